package emulate

import (
	"fmt"
	"net/http"
	"strings"
)

// apiError is an error CloudFront returns: an HTTP status, a code and a
// message, rendered as CloudFront's XML ErrorResponse.
//
// Codes and statuses are those of the API model's error shapes. Messages
// are AWS's where they were seen in real responses (cited next to their
// constructors), otherwise the model's description of the error.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

// Wire format of an error, as CloudFront sends it (seen in a real
// MalformedInput response quoted in pplu/aws-sdk-perl#112):
//
//	<ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2016-08-01/"><Error><Type>Sender</Type>
//	<Code>MalformedInput</Code><Message>Unexpected list element termination</Message></Error>
//	<RequestId>6d6ef269-…</RequestId></ErrorResponse>
func (e *apiError) body(requestID string) []byte {
	typ := "Sender"
	if e.status >= 500 {
		typ = "Receiver"
	}
	return elem("ErrorResponse",
		elem("Error", leaf("Type", typ), leaf("Code", e.code), leaf("Message", e.msg)),
		leaf("RequestId", requestID),
	).document()
}

// Errors shared by several operations.

func errMalformedInput(detail string) *apiError {
	return errorf(http.StatusBadRequest, "MalformedInput", "%s", detail)
}

// errValidation renders AWS's schema-validation message, seen in a real
// response (aws/aws-sdk-php#1973): "1 validation error detected: Value null
// at 'invalidationBatch' failed to satisfy constraint: Member must not be
// null".
func errValidation(problems []string) *apiError {
	n := len(problems)
	noun := "error"
	if n > 1 {
		noun = "errors"
	}
	if len(problems) > 10 {
		problems = append(problems[:10:10], fmt.Sprintf("and %d more", n-10))
	}
	return errorf(http.StatusBadRequest, "MalformedXML", "%d validation %s detected: %s", n, noun, strings.Join(problems, "; "))
}

func errInvalidArgument(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "InvalidArgument", format, args...)
}

func errMissingBody() *apiError {
	return errorf(http.StatusBadRequest, "MissingBody", "This operation requires a body. Ensure that the body is present and the Content-Type header is set.")
}

func errInconsistentQuantities(path string) *apiError {
	return errorf(http.StatusBadRequest, "InconsistentQuantities", "The value of Quantity and the size of Items don't match (%s).", path)
}

// errIfMatchMissing: the message seen in real responses ("The If-Match
// version is missing or not valid for the resource.").
func errIfMatchMissing() *apiError {
	return errorf(http.StatusBadRequest, "InvalidIfMatchVersion", "The If-Match version is missing or not valid for the resource.")
}

func errPreconditionFailed() *apiError {
	return errorf(http.StatusPreconditionFailed, "PreconditionFailed", "The precondition given in one or more of the request-header fields evaluated to false.")
}

func errTooLarge(limit int64) *apiError {
	return errorf(http.StatusRequestEntityTooLarge, "MalformedInput", "The request body is larger than %d bytes.", limit)
}

func errNotEmulated(r *http.Request) *apiError {
	return errorf(http.StatusNotImplemented, "NotImplemented", "s3front serve does not emulate %s %s", r.Method, r.URL.Path)
}

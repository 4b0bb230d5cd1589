package awstest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Dist describes a distribution with one S3 origin, for [CloudFront].
type Dist struct {
	ID, Bucket, Region string
	// OAI or OAC is the ID of the origin's access identity or control.
	OAI, OAC string
	// ErrorPage, when set, is a custom error response page for 403.
	ErrorPage string
}

// CloudFront serves recorded CloudFront list responses (the wire format
// of API 2020-05-31) for the given distributions, their OAIs and OACs,
// paginated by MaxItems and Marker as CloudFront does.
func CloudFront(dists []Dist) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		const ns = ` xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"`
		switch r.URL.Path {
		case "/2020-05-31/distribution":
			start, _ := strconv.Atoi(r.URL.Query().Get("Marker"))
			max, _ := strconv.Atoi(r.URL.Query().Get("MaxItems"))
			if max <= 0 || max > 100 {
				max = 100
			}
			end := min(start+max, len(dists))
			var b strings.Builder
			for _, d := range dists[start:end] {
				b.WriteString(summary(d))
			}
			next, trunc := "", "false"
			if end < len(dists) {
				next, trunc = fmt.Sprintf("<NextMarker>%d</NextMarker>", end), "true"
			}
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><DistributionList%s><Marker>%d</Marker>%s<MaxItems>%d</MaxItems><IsTruncated>%s</IsTruncated><Quantity>%d</Quantity><Items>%s</Items></DistributionList>`,
				ns, start, next, max, trunc, end-start, b.String())
		case "/2020-05-31/origin-access-identity/cloudfront":
			var b strings.Builder
			n := 0
			for _, d := range dists {
				if d.OAI != "" {
					n++
					fmt.Fprintf(&b, `<CloudFrontOriginAccessIdentitySummary><Id>%s</Id><S3CanonicalUserId>%064x</S3CanonicalUserId><Comment>test</Comment></CloudFrontOriginAccessIdentitySummary>`, d.OAI, n)
				}
			}
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><CloudFrontOriginAccessIdentityList%s><Marker></Marker><MaxItems>%d</MaxItems><IsTruncated>false</IsTruncated><Quantity>%d</Quantity><Items>%s</Items></CloudFrontOriginAccessIdentityList>`, ns, max(n, 1), n, b.String())
		case "/2020-05-31/origin-access-control":
			var b strings.Builder
			n := 0
			for _, d := range dists {
				if d.OAC != "" {
					n++
					fmt.Fprintf(&b, `<OriginAccessControlSummary><Id>%s</Id><Description></Description><Name>oac-%s</Name><SigningProtocol>sigv4</SigningProtocol><SigningBehavior>always</SigningBehavior><OriginAccessControlOriginType>s3</OriginAccessControlOriginType></OriginAccessControlSummary>`, d.OAC, d.ID)
				}
			}
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><OriginAccessControlList%s><Marker></Marker><MaxItems>%d</MaxItems><IsTruncated>false</IsTruncated><Quantity>%d</Quantity><Items>%s</Items></OriginAccessControlList>`, ns, max(n, 1), n, b.String())
		case "/2020-05-31/cache-policy":
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><CachePolicyList%s><MaxItems>100</MaxItems><Quantity>0</Quantity></CachePolicyList>`, ns)
		case "/2020-05-31/origin-request-policy":
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><OriginRequestPolicyList%s><MaxItems>100</MaxItems><Quantity>0</Quantity></OriginRequestPolicyList>`, ns)
		default:
			w.WriteHeader(404)
			fmt.Fprintf(w, `<ErrorResponse%s><Error><Type>Sender</Type><Code>NotImplemented</Code><Message>%s %s</Message></Error></ErrorResponse>`, ns, r.Method, r.URL.Path)
		}
	})
}

func summary(d Dist) string {
	region := d.Region
	if region == "" {
		region = "us-east-1"
	}
	oai := ""
	if d.OAI != "" {
		oai = "origin-access-identity/cloudfront/" + d.OAI
	}
	errs := `<CustomErrorResponses><Quantity>0</Quantity></CustomErrorResponses>`
	if d.ErrorPage != "" {
		errs = `<CustomErrorResponses><Quantity>1</Quantity><Items><CustomErrorResponse><ErrorCode>403</ErrorCode><ResponsePagePath>` + d.ErrorPage + `</ResponsePagePath><ResponseCode>404</ResponseCode><ErrorCachingMinTTL>10</ErrorCachingMinTTL></CustomErrorResponse></Items></CustomErrorResponses>`
	}
	return fmt.Sprintf(`<DistributionSummary><Id>%[1]s</Id><ARN>arn:aws:cloudfront::%[2]s:distribution/%[1]s</ARN><Status>Deployed</Status><LastModifiedTime>2026-01-01T00:00:00Z</LastModifiedTime><DomainName>%[7]s.cloudfront.net</DomainName><Aliases><Quantity>0</Quantity></Aliases>`+
		`<Origins><Quantity>1</Quantity><Items><Origin><Id>s3-%[3]s</Id><DomainName>%[3]s.s3.%[4]s.amazonaws.com</DomainName><OriginPath></OriginPath><CustomHeaders><Quantity>0</Quantity></CustomHeaders><S3OriginConfig><OriginAccessIdentity>%[5]s</OriginAccessIdentity></S3OriginConfig><ConnectionAttempts>3</ConnectionAttempts><ConnectionTimeout>10</ConnectionTimeout><OriginAccessControlId>%[6]s</OriginAccessControlId></Origin></Items></Origins>`+
		`<OriginGroups><Quantity>0</Quantity></OriginGroups><DefaultCacheBehavior><TargetOriginId>s3-%[3]s</TargetOriginId><TrustedSigners><Enabled>false</Enabled><Quantity>0</Quantity></TrustedSigners><TrustedKeyGroups><Enabled>false</Enabled><Quantity>0</Quantity></TrustedKeyGroups><ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy>`+
		`<AllowedMethods><Quantity>2</Quantity><Items><Method>HEAD</Method><Method>GET</Method></Items><CachedMethods><Quantity>2</Quantity><Items><Method>HEAD</Method><Method>GET</Method></Items></CachedMethods></AllowedMethods><Compress>true</Compress><CachePolicyId>658327ea-f89d-4fab-a63d-7e88639e58f6</CachePolicyId></DefaultCacheBehavior>`+
		`<CacheBehaviors><Quantity>0</Quantity></CacheBehaviors>%[8]s<Comment></Comment><PriceClass>PriceClass_All</PriceClass><Enabled>true</Enabled><ViewerCertificate><CloudFrontDefaultCertificate>true</CloudFrontDefaultCertificate></ViewerCertificate><Restrictions><GeoRestriction><RestrictionType>none</RestrictionType><Quantity>0</Quantity></GeoRestriction></Restrictions><WebACLId></WebACLId><HttpVersion>http2</HttpVersion><IsIPV6Enabled>true</IsIPV6Enabled><Staging>false</Staging></DistributionSummary>`,
		d.ID, Account, d.Bucket, region, oai, d.OAC, strings.ToLower(d.ID), errs)
}

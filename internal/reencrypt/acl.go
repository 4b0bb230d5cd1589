package reencrypt

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// aclRecord is an object ACL as journalled: the owner and its grants.
type aclRecord struct {
	Owner  string     `json:"owner"`
	Grants []aclGrant `json:"grants"`
}

type aclGrant struct {
	Type       string `json:"type"` // CanonicalUser, Group
	ID         string `json:"id,omitempty"`
	URI        string `json:"uri,omitempty"`
	Permission string `json:"perm"`
}

// private reports whether the ACL is what a copy gets anyway: the owner
// with FULL_CONTROL and nothing else.
func (a *aclRecord) private() bool {
	if a == nil {
		return true
	}
	return len(a.Grants) == 0 || (len(a.Grants) == 1 && a.Grants[0].Type == string(types.TypeCanonicalUser) &&
		a.Grants[0].ID == a.Owner && a.Grants[0].Permission == string(types.PermissionFullControl))
}

func (r *run) getACL(ctx context.Context, o *object) (*aclRecord, error) {
	var out *s3.GetObjectAclOutput
	err := r.read(ctx, "GetObjectAcl", func(c context.Context) (err error) {
		in := &s3.GetObjectAclInput{Bucket: aws.String(r.opts.Bucket), Key: aws.String(o.Key)}
		if o.VersionID != "" {
			in.VersionId = aws.String(o.VersionID)
		}
		out, err = r.api.GetObjectAcl(c, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	a := &aclRecord{}
	if out.Owner != nil {
		a.Owner = aws.ToString(out.Owner.ID)
	}
	for _, g := range out.Grants {
		if g.Grantee == nil {
			continue
		}
		a.Grants = append(a.Grants, aclGrant{
			Type:       string(g.Grantee.Type),
			ID:         aws.ToString(g.Grantee.ID),
			URI:        aws.ToString(g.Grantee.URI),
			Permission: string(g.Permission),
		})
	}
	return a, nil
}

// grants renders the ACL as the x-amz-grant-* headers of a copy (or of
// CreateMultipartUpload), so the copy is written with its ACL in one step
// and never exists, even briefly, as private: a public-read object of a
// website stays readable throughout. S3 sets exactly the grants given, so
// the owner's own grant is among them.
func (a *aclRecord) grants() (full, read, readACP, writeACP *string) {
	by := map[string][]string{}
	for _, g := range a.Grants {
		var who string
		switch {
		case g.ID != "":
			who = `id="` + g.ID + `"`
		case g.URI != "":
			who = `uri="` + g.URI + `"`
		default:
			continue
		}
		by[g.Permission] = append(by[g.Permission], who)
	}
	join := func(p types.Permission) *string {
		if len(by[string(p)]) == 0 {
			return nil
		}
		return aws.String(strings.Join(by[string(p)], ", "))
	}
	return join(types.PermissionFullControl), join(types.PermissionRead), join(types.PermissionReadAcp), join(types.PermissionWriteAcp)
}

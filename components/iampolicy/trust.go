package iampolicy

import (
	"encoding/json"
	"fmt"
)

// TrustDocument is a role's trust policy. It is not a Document because a trust policy
// must not have a Resource, which IAM refuses ("Has prohibited field Resource"), and
// Document's Lint requires one.
type TrustDocument struct {
	Version   string           `json:"Version"`
	Statement []TrustStatement `json:"Statement"`
}

// TrustStatement is one statement of a TrustDocument.
type TrustStatement struct {
	Sid       string                         `json:"Sid"`
	Effect    string                         `json:"Effect"`
	Principal Principal                      `json:"Principal"`
	Action    []string                       `json:"Action"`
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

// JSON renders the document; the same document always gives the same bytes.
func (d TrustDocument) JSON() string {
	b, err := json.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("iampolicy: cannot marshal a trust policy: %v", err))
	}
	return string(b)
}

// Package iampolicy builds IAM, KMS key and resource policy documents as typed Go values
// and checks them for the least-privilege rules vigil holds every policy to: no wildcard
// actions, no unconditioned "*" principal. It is pure Go: components marshal a Document
// into the JSON input of a resource, tests parse it back.
package iampolicy

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Version is the only policy language version vigil writes.
const Version = "2012-10-17"

// Document is a policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a Document. Lists are always lists in the JSON (AWS
// accepts a bare string too), which keeps parsing in tests trivial.
type Statement struct {
	Sid       string     `json:"Sid"`
	Effect    string     `json:"Effect"`
	Principal *Principal `json:"Principal,omitempty"`
	Action    []string   `json:"Action"`
	Resource  []string   `json:"Resource"`
	// Condition maps an operator (StringEquals, ArnLike, Bool, ...) to condition keys and
	// their allowed values.
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

// Principal names who a resource policy statement applies to.
type Principal struct {
	AWS     []string `json:"AWS,omitempty"`
	Service []string `json:"Service,omitempty"`
}

// Allow and Deny are the two effects.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// JSON renders the document. Field order is fixed and maps are sorted by encoding/json,
// so the same document always gives the same bytes (no diff on a second preview).
func (d Document) JSON() string {
	b, err := json.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("iampolicy: cannot marshal a policy document: %v", err))
	}
	return string(b)
}

// Parse reads a document written by JSON.
func Parse(s string) (Document, error) {
	var d Document
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return Document{}, fmt.Errorf("iampolicy: %w", err)
	}
	return d, nil
}

// Lint returns every way the document breaks vigil's policy rules:
//   - the version is 2012-10-17 and every statement has a unique Sid;
//   - an Allow statement names its actions one by one: no "*" and no "service:*" or
//     other wildcard, so a reviewer sees exactly what is granted. The one exception is
//     a wildcard that AWS itself documents as the form to write (see
//     DocumentedWildcard): refusing it would force a policy that differs from AWS's;
//   - an Allow statement whose principal is "*" (anyone) carries a condition, that is
//     at least one condition key with at least one value: an operator with no keys,
//     or a key with no values, narrows nothing and does not count.
//
// Deny statements may use wildcards: denying broadly only narrows access.
func (d Document) Lint() []string {
	var out []string
	if d.Version != Version {
		out = append(out, fmt.Sprintf("Version must be %s, got %q", Version, d.Version))
	}
	seen := map[string]bool{}
	for i, s := range d.Statement {
		where := fmt.Sprintf("Statement[%d]", i)
		if s.Sid != "" {
			where = fmt.Sprintf("Statement[%d] (%s)", i, s.Sid)
		}
		switch {
		case s.Sid == "":
			out = append(out, where+": has no Sid")
		case seen[s.Sid]:
			out = append(out, where+": Sid is used twice")
		}
		seen[s.Sid] = true
		if s.Effect != Allow && s.Effect != Deny {
			out = append(out, fmt.Sprintf("%s: Effect must be Allow or Deny, got %q", where, s.Effect))
		}
		if len(s.Action) == 0 {
			out = append(out, where+": has no Action")
		}
		if len(s.Resource) == 0 {
			out = append(out, where+": has no Resource")
		}
		if s.Effect != Allow {
			continue
		}
		for _, a := range s.Action {
			if _, documented := DocumentedWildcard(a); strings.ContainsAny(a, "*?") && !documented {
				out = append(out, fmt.Sprintf("%s: action %q is a wildcard; list the actions needed", where, a))
			}
		}
		if s.Principal != nil && anyone(s.Principal) && !narrows(s.Condition) {
			out = append(out, where+`: allows principal "*" without a condition`)
		}
	}
	return out
}

// documentedWildcards are the wildcard actions that AWS documents as the exact form of
// a statement, each with where AWS says so. Keep this list short: every entry is a
// place where a reviewer cannot see exactly what is granted.
var documentedWildcards = map[string]string{
	// kms:GenerateDataKey* covers GenerateDataKey, GenerateDataKeyWithoutPlaintext,
	// GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext.
	"kms:GenerateDataKey*": "Amazon SNS Developer Guide, Key management: a publisher to an encrypted topic " +
		"needs kms:GenerateDataKey* and kms:Decrypt (\"Allow a user to send messages to a topic with SSE\"), " +
		"and so do the service principals of CloudWatch alarms and EventBridge " +
		"(\"Enable compatibility between event sources from AWS services and encrypted topics\")",
}

// DocumentedWildcard says whether action is a wildcard that Lint lets through in an
// Allow statement because AWS documents it as the form to write, and where AWS does.
// The match is exact: "kms:GenerateDataKey*" is allowed, "kms:Generate*" and "kms:*"
// are not.
func DocumentedWildcard(action string) (reason string, ok bool) {
	reason, ok = documentedWildcards[action]
	return reason, ok
}

// narrows says whether a condition block restricts anything: some operator has some
// key with at least one non-empty value.
func narrows(c map[string]map[string][]string) bool {
	for _, keys := range c {
		for _, values := range keys {
			for _, v := range values {
				if v != "" {
					return true
				}
			}
		}
	}
	return false
}

func anyone(p *Principal) bool {
	for _, a := range p.AWS {
		if a == "*" {
			return true
		}
	}
	return false
}

// Partition returns the ARN partition of a region: aws-cn for China, aws-us-gov for
// GovCloud, aws everywhere else.
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

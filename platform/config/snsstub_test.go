package config

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// snsPublish is one Publish request that snsStub accepted.
type snsPublish struct {
	TopicArn, Subject, Message string
	// Region is the region of the request's SigV4 credential scope.
	Region string
}

// snsStub stands in for SNS on 127.0.0.1. It reads Publish as SNS's Query API defines
// it (a form-encoded POST of Action=Publish, Version=2010-03-31, TopicArn, Subject and
// Message), checks its SigV4 signature against the one fake key pair it knows, and
// answers a PublishResponse with a MessageId; anything else gets SNS's ErrorResponse,
// and is remembered so that the test can say why.
type snsStub struct {
	URL               string
	accessKey, secret string

	mu        sync.Mutex
	published []snsPublish
	refused   []string
	next      int
}

// newSNSStub starts the stand-in until the test ends.
func newSNSStub(t *testing.T, accessKey, secret string) *snsStub {
	t.Helper()
	s := &snsStub{accessKey: accessKey, secret: secret}
	server := httptest.NewServer(s)
	t.Cleanup(server.Close)
	s.URL = server.URL
	return s
}

func (s *snsStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.refuse(w, "reading the body: "+err.Error())
		return
	}
	p, problem := s.publishOf(r, body)
	if problem != "" {
		s.refuse(w, problem)
		return
	}
	s.mu.Lock()
	s.next++
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", s.next)
	s.published = append(s.published, p)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
  <PublishResult><MessageId>%s</MessageId></PublishResult>
  <ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>
</PublishResponse>
`, id, id)
}

// publishOf returns the Publish request r carries, or why it is not a valid one.
func (s *snsStub) publishOf(r *http.Request, body []byte) (snsPublish, string) {
	if r.Method != http.MethodPost {
		return snsPublish{}, "method " + r.Method + ", not POST"
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return snsPublish{}, fmt.Sprintf("Content-Type %q, not application/x-www-form-urlencoded", ct)
	}
	if strings.Contains(string(body), s.secret) || strings.Contains(fmt.Sprint(r.Header), s.secret) {
		return snsPublish{}, "the secret access key is in the request"
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return snsPublish{}, "body is not form-encoded: " + err.Error()
	}
	if form.Get("Action") != "Publish" || form.Get("Version") != "2010-03-31" {
		return snsPublish{}, fmt.Sprintf("Action=%q Version=%q, not Publish of 2010-03-31", form.Get("Action"), form.Get("Version"))
	}
	p := snsPublish{TopicArn: form.Get("TopicArn"), Subject: form.Get("Subject"), Message: form.Get("Message")}
	// arn:<partition>:sns:<region>:<account>:<name>
	arn := strings.Split(p.TopicArn, ":")
	if len(arn) != 6 || arn[0] != "arn" || arn[2] != "sns" {
		return snsPublish{}, fmt.Sprintf("TopicArn %q is no SNS topic ARN", p.TopicArn)
	}
	if p.Message == "" {
		return snsPublish{}, "no Message"
	}
	scope, problem := verifySigV4(r, body, s.accessKey, s.secret)
	if problem != "" {
		return snsPublish{}, problem
	}
	if scope.service != "sns" || scope.region != arn[3] {
		return snsPublish{}, fmt.Sprintf("signed for service %q in %q, not sns in the topic's region %q", scope.service, scope.region, arn[3])
	}
	p.Region = scope.region
	return p, ""
}

func (s *snsStub) refuse(w http.ResponseWriter, why string) {
	s.mu.Lock()
	s.refused = append(s.refused, why)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
  <Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>%s</Message></Error>
  <RequestId>00000000-0000-4000-8000-000000000000</RequestId>
</ErrorResponse>
`, strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(why))
}

// snapshot returns what was accepted and refused so far.
func (s *snsStub) snapshot() ([]snsPublish, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]snsPublish(nil), s.published...), append([]string(nil), s.refused...)
}

// waitFor waits, at most timeout, for an accepted Publish that matches, and returns it.
func (s *snsStub) waitFor(t *testing.T, timeout time.Duration, what string, match func(snsPublish) bool) snsPublish {
	t.Helper()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		published, _ := s.snapshot()
		for _, p := range published {
			if match(p) {
				return p
			}
		}
	}
	published, refused := s.snapshot()
	t.Fatalf("the SNS stand-in got no %s within %s; accepted %+v, refused %q", what, timeout, published, refused)
	return snsPublish{}
}

// sigV4Scope is the credential scope of a SigV4 signature.
type sigV4Scope struct{ date, region, service string }

// verifySigV4 checks r's Authorization header as AWS Signature Version 4 defines it
// (canonical request of the signed headers, string to sign, HMAC-SHA256 key chain
// AWS4<secret>/date/region/service/aws4_request), and returns its scope, or why the
// signature is not one that secret made.
func verifySigV4(r *http.Request, body []byte, accessKey, secret string) (sigV4Scope, string) {
	const algorithm = "AWS4-HMAC-SHA256"
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, algorithm+" ") {
		return sigV4Scope{}, fmt.Sprintf("Authorization %q is not %s", auth, algorithm)
	}
	fields := map[string]string{}
	for _, kv := range strings.Split(strings.TrimPrefix(auth, algorithm+" "), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		fields[k] = v
	}
	cred := strings.Split(fields["Credential"], "/")
	if len(cred) != 5 || cred[4] != "aws4_request" {
		return sigV4Scope{}, fmt.Sprintf("Credential %q is not key/date/region/service/aws4_request", fields["Credential"])
	}
	if cred[0] != accessKey {
		return sigV4Scope{}, fmt.Sprintf("signed with access key %q, not the one in the environment", cred[0])
	}
	scope := sigV4Scope{date: cred[1], region: cred[2], service: cred[3]}
	amzDate := r.Header.Get("X-Amz-Date")
	if !strings.HasPrefix(amzDate, scope.date) {
		return sigV4Scope{}, fmt.Sprintf("X-Amz-Date %q is not of the scope's day %q", amzDate, scope.date)
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	if !sort.StringsAreSorted(signed) || !slices.Contains(signed, "host") || !slices.Contains(signed, "x-amz-date") {
		return sigV4Scope{}, fmt.Sprintf("SignedHeaders %q must be sorted and include host and x-amz-date", fields["SignedHeaders"])
	}
	var canonical strings.Builder
	canonical.WriteString(r.Method + "\n")
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	canonical.WriteString(path + "\n" + canonicalQuery(r.URL.Query()) + "\n")
	for _, h := range signed {
		var value string
		switch h {
		case "host":
			value = r.Host
		case "content-length":
			value = fmt.Sprint(len(body))
		default:
			value = strings.Join(r.Header.Values(h), ",")
		}
		canonical.WriteString(h + ":" + strings.Join(strings.Fields(value), " ") + "\n")
	}
	canonical.WriteString("\n" + fields["SignedHeaders"] + "\n" + hexSHA256(body))
	toSign := strings.Join([]string{algorithm, amzDate, strings.Join(cred[1:], "/"), hexSHA256([]byte(canonical.String()))}, "\n")
	key := []byte("AWS4" + secret)
	for _, part := range cred[1:] {
		key = hmacSHA256(key, part)
	}
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		return scope, "the SigV4 signature is not the one the environment's secret key gives"
	}
	return scope, ""
}

// canonicalQuery sorts the query by name and encodes it as SigV4 wants.
func canonicalQuery(q url.Values) string {
	var parts []string
	for k, vs := range q {
		for _, v := range vs {
			parts = append(parts, awsEscape(k)+"="+awsEscape(v))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, "&")
}

// awsEscape percent-encodes all but A-Z a-z 0-9 - _ . ~, as SigV4 asks.
func awsEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

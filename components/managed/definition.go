package managed

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	amconfig "github.com/prometheus/alertmanager/config"
	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/validate"
)

// MaxRepeatInterval is the longest repeat_interval Amazon Managed Service for
// Prometheus honours: a longer one is silently treated as five days (Amazon Managed
// Service for Prometheus User Guide, "Create an alert manager configuration"), so the
// file would not say what runs. Definition refuses it instead.
const MaxRepeatInterval = 5 * 24 * time.Hour

// unsupportedSNSFields are the sns_configs fields AMP refuses or cannot honour, each
// with why. api_url and http_config are AWS's documented list ("Configure alert
// manager to send messages to your Amazon SNS topic", Unsupported properties); AMP
// delivers to topics only, so phone_number and target_arn have no place either.
var unsupportedSNSFields = map[string]string{
	"api_url":      "AMP sets the SNS endpoint itself and refuses api_url",
	"http_config":  "AMP does not support http_config (proxies, TLS settings, credentials)",
	"phone_number": "AMP publishes to SNS topics only: subscribe the phone number to the severity's topic instead",
	"target_arn":   "AMP publishes to SNS topics only: use topic_arn",
}

// unsupportedSigV4Fields are the sigv4 settings that would make AMP sign as someone
// else: it signs as its own service principal, which the topic policy allows
// (TopicPolicyStatement). A key in the file would also be a secret in clear.
var unsupportedSigV4Fields = map[string]string{
	"access_key": "AMP signs as aps.amazonaws.com; remove the key (it must never be written into a file)",
	"secret_key": "AMP signs as aps.amazonaws.com; remove the key (it must never be written into a file)",
	"profile":    "AMP has no credential profiles; remove it",
	"role_arn":   "AMP signs as aps.amazonaws.com, allowed by the topic policy; remove role_arn",
}

var topicARNRe = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):sns:([a-z0-9-]+):([0-9]{12}):([A-Za-z0-9_-]{1,256})$`)

// DefinitionArgs is what Definition converts.
type DefinitionArgs struct {
	// Alertmanager is the alertmanager.yml, as alerts/routing builds it. Required.
	Alertmanager []byte
	// Templates are template files by name, written under template_files: the file's
	// templates list names them. Defaults to none.
	Templates map[string][]byte
	// AccountID and Region are the workspace's: AMP publishes only to topics of its
	// own account, and vigil keeps them in the workspace's region, where the topic
	// policy's service principal aps.amazonaws.com applies. Required.
	AccountID, Region string
}

// Definition checks an alertmanager.yml against what Amazon Managed Service for
// Prometheus supports and returns AMP's alert manager definition (the file, byte for
// byte, under alertmanager_config, a literal block, and the templates under
// template_files) and the topic ARNs the file publishes to, sorted. `vigil plan` can
// write the definition as an artifact. It returns one error listing every unsupported part, each with the
// receiver and field it is in and a hint: AMP supports SNS receivers only (a
// receiver without integrations, which notifies nobody, is fine), without api_url or
// http_config, with a sigv4 region (AMP needs it to sign), publishing to topics of
// the workspace's account and region.
func Definition(a DefinitionArgs) ([]byte, []string, error) {
	var ps validate.Problems
	topics := checkAlertmanager(&ps, a)
	if err := ps.Err("managed alert manager definition"); err != nil {
		return nil, nil, err
	}
	doc := &yaml.Node{Kind: yaml.MappingNode}
	if len(a.Templates) > 0 {
		files := &yaml.Node{Kind: yaml.MappingNode}
		for _, name := range sortedKeys(a.Templates) {
			files.Content = append(files.Content, scalar(name, 0), scalar(string(a.Templates[name]), yaml.LiteralStyle))
		}
		doc.Content = append(doc.Content, scalar("template_files", 0), files)
	}
	doc.Content = append(doc.Content, scalar("alertmanager_config", 0), scalar(string(a.Alertmanager), yaml.LiteralStyle))
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, nil, fmt.Errorf("managed: cannot write the alert manager definition: %w", err)
	}
	out := buf.Bytes()
	// A literal block keeps the text as it is only when YAML can represent it so;
	// read it back rather than trust that it could.
	back, err := ParseDefinition(out)
	if err != nil || back.AlertmanagerConfig != string(a.Alertmanager) {
		return nil, nil, fmt.Errorf("managed: the alert manager definition does not keep alertmanager.yml as it is (a bug in vigil's components/managed)")
	}
	return out, topics, nil
}

// ParsedDefinition is an alert manager definition read back: what AMP reads.
type ParsedDefinition struct {
	TemplateFiles      map[string]string `yaml:"template_files"`
	AlertmanagerConfig string            `yaml:"alertmanager_config"`
}

// ParseDefinition reads an alert manager definition, refusing unknown keys.
func ParseDefinition(b []byte) (ParsedDefinition, error) {
	var d ParsedDefinition
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return ParsedDefinition{}, fmt.Errorf("managed: alert manager definition: %w", err)
	}
	return d, nil
}

func scalar(v string, style yaml.Style) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: style}
}

// checkAlertmanager records every problem of the file and returns the topic ARNs it
// publishes to, sorted and without repeats.
func checkAlertmanager(ps *validate.Problems, a DefinitionArgs) []string {
	const path = "Alertmanager"
	if len(strings.TrimSpace(string(a.Alertmanager))) == 0 {
		ps.Add(path, "is required", "pass the alertmanager.yml that alerts/routing.Build returns")
		return nil
	}
	if _, err := amconfig.Load(string(a.Alertmanager)); err != nil {
		ps.Addf(path, "AMP runs Alertmanager and refuses what Alertmanager refuses", "Alertmanager refuses the file: %v", err)
		return nil
	}
	var raw map[string]any
	if err := yaml.Unmarshal(a.Alertmanager, &raw); err != nil {
		ps.Addf(path, "", "is not YAML: %v", err)
		return nil
	}
	topics := map[string]bool{}
	receivers, _ := raw["receivers"].([]any)
	for i, r := range receivers {
		rm, _ := r.(map[string]any)
		name, _ := rm["name"].(string)
		rpath := fmt.Sprintf("%s.receivers[%d] (%s)", path, i, name)
		for _, key := range sortedKeys(rm) {
			switch {
			case key == "name":
			case key == "sns_configs":
				list, _ := rm[key].([]any)
				for j, c := range list {
					cm, _ := c.(map[string]any)
					if arn := checkSNSConfig(ps, fmt.Sprintf("%s.sns_configs[%d]", rpath, j), cm, a.AccountID, a.Region); arn != "" {
						topics[arn] = true
					}
				}
			default:
				ps.Addf(rpath+"."+key, "AMP delivers to SNS topics only: subscribe the endpoint to the severity's SNS topic (components/notify) and give this receiver sns_configs, or remove it",
					"receiver %q uses %s, which Amazon Managed Service for Prometheus does not support", name, key)
			}
		}
	}
	if global, ok := raw["global"].(map[string]any); ok {
		if _, set := global["http_config"]; set {
			ps.Add(path+".global.http_config", "is not supported by Amazon Managed Service for Prometheus",
				"every sns_configs entry inherits it, and AMP does not support http_config (proxies, TLS settings, credentials)")
		}
	}
	if route, ok := raw["route"].(map[string]any); ok {
		checkRepeatIntervals(ps, path+".route", route)
	}
	templates, _ := raw["templates"].([]any)
	for i, t := range templates {
		s, _ := t.(string)
		if _, ok := a.Templates[s]; !ok {
			ps.Addf(fmt.Sprintf("%s.templates[%d]", path, i), "AMP has no files to glob: name a template of Templates (template_files), such as default_template",
				"names %q, which is not one of the template files given", s)
		}
	}
	for _, name := range sortedKeys(a.Templates) {
		if strings.TrimSpace(name) == "" {
			ps.Add("Templates", "has a template without a name", "name each template file")
		}
	}
	out := make([]string, 0, len(topics))
	for arn := range topics {
		out = append(out, arn)
	}
	sort.Strings(out)
	return out
}

// checkSNSConfig checks one sns_configs entry and returns its topic ARN when it has
// a valid one.
func checkSNSConfig(ps *validate.Problems, path string, c map[string]any, account, region string) string {
	for _, key := range sortedKeys(c) {
		if why, bad := unsupportedSNSFields[key]; bad {
			ps.Addf(path+"."+key, why, "is not supported by Amazon Managed Service for Prometheus")
		}
	}
	sigv4, hasSigV4 := c["sigv4"].(map[string]any)
	sigRegion, _ := sigv4["region"].(string)
	switch {
	case !hasSigV4:
		ps.Add(path+".sigv4", "is required", "AMP signs its SNS requests with SigV4 and needs sigv4.region to do so; set it to the topic's region")
	case sigRegion == "":
		ps.Add(path+".sigv4.region", "is required", "without a region AMP cannot sign the request (AWS documents sigv4.region as required); set it to the topic's region")
	}
	for _, key := range sortedKeys(sigv4) {
		if why, bad := unsupportedSigV4Fields[key]; bad {
			// The value may be a secret: never repeat it.
			ps.Add(path+".sigv4."+key, "is not supported by Amazon Managed Service for Prometheus", why)
		}
	}
	arn, _ := c["topic_arn"].(string)
	if arn == "" {
		if _, other := c["target_arn"]; !other {
			if _, phone := c["phone_number"]; !phone {
				ps.Add(path+".topic_arn", "is required", "AMP publishes to an SNS topic: set topic_arn to the severity's topic ARN")
			}
		}
		return ""
	}
	m := topicARNRe.FindStringSubmatch(arn)
	if m == nil {
		ps.Addf(path+".topic_arn", "for example arn:aws:sns:eu-west-1:123456789012:vigil-prod-critical", "must be an SNS topic ARN, got %q", arn)
		return ""
	}
	topicRegion, topicAccount := m[2], m[3]
	if topicAccount != account {
		ps.Addf(path+".topic_arn", "AMP routes messages to SNS topics in the same account only",
			"is a topic of account %s, not of the workspace's account %s", topicAccount, account)
	}
	if topicRegion != region {
		ps.Addf(path+".topic_arn", "keep the topics in the workspace's region, where the topic policy's principal aps.amazonaws.com applies",
			"is a topic of region %s, not of the workspace's region %s", topicRegion, region)
	}
	if sigRegion != "" && sigRegion != topicRegion {
		ps.Addf(path+".sigv4.region", "sign for the topic's own region", "is %s, but the topic is in %s", sigRegion, topicRegion)
	}
	return arn
}

// checkRepeatIntervals refuses a repeat_interval AMP would shorten, anywhere in the
// routing tree.
func checkRepeatIntervals(ps *validate.Problems, path string, route map[string]any) {
	if s, ok := route["repeat_interval"].(string); ok {
		if d, err := model.ParseDuration(s); err == nil && time.Duration(d) > MaxRepeatInterval {
			ps.Addf(path+".repeat_interval", "AMP treats anything longer as 5d, so the file would not say what runs: set at most 5d (120h)",
				"is %s, longer than the 5d Amazon Managed Service for Prometheus allows", s)
		}
	}
	children, _ := route["routes"].([]any)
	for i, c := range children {
		if cm, ok := c.(map[string]any); ok {
			checkRepeatIntervals(ps, fmt.Sprintf("%s.routes[%d]", path, i), cm)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

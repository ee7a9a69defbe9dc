package notify

import (
	"fmt"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/routing"
	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/validate"
)

// CheckRouting returns one error listing every way in which an Alertmanager
// configuration that sends to these topics would not reach them, or would reach them
// otherwise than it says:
//   - a severity's TopicARN is not that severity's topic of these topics (another
//     prefix, account or region): Alertmanager would publish to a topic that does not
//     exist, or to someone else's;
//   - a Target's Pages disagrees with the topic's subscribers (PagerDuty or SMS page):
//     routing refuses to page for a severity that may not page only as far as Pages
//     is true to the topic, so a dev topic with a pager must not be routed as quiet;
//   - some target is a topic, but no role may publish (RequirePublisher): SNS and KMS
//     would refuse every alert.
//
// Targets that are webhooks are not the topics' business and are not checked. Call it
// once the program has created everything (after the ECS platform's GrantPublish), for
// a configuration meant for these topics.
func (t *Topics) CheckRouting(cfg routing.Config) error {
	var ps validate.Problems
	partition := iampolicy.Partition(t.region)
	usesTopics := false
	for _, sev := range alerts.Severities() {
		target, ok := cfg.Targets[sev]
		if !ok || target.TopicARN == "" {
			continue
		}
		usesTopics = true
		path := fmt.Sprintf("Targets.%s", sev)
		want := TopicARN(partition, t.region, t.account, t.prefix, sev)
		if target.TopicARN != want {
			ps.Addf(path+".TopicARN", "build the targets with notify.TopicARN from the topics' prefix, account and region",
				"is %s, not the %s topic %s: Alertmanager would publish where these topics are not", target.TopicARN, sev, want)
			continue
		}
		switch pages := t.pages[sev]; {
		case pages && !target.Pages:
			ps.Addf(path+".Pages", "set Pages, or remove the PagerDuty and SMS subscribers of the topic if it must not page",
				"is false, but the %s topic has PagerDuty or SMS subscribers: its alerts page", sev)
		case !pages && target.Pages:
			ps.Addf(path+".Pages", "clear Pages, or subscribe a pager (PagerDuty or SMS) to the topic",
				"is true, but the %s topic has no PagerDuty or SMS subscriber: its alerts page nobody", sev)
		}
	}
	if usesTopics && len(t.Publishers()) == 0 {
		addNoPublisher(&ps, t.prefix)
	}
	return ps.Err(fmt.Sprintf("routing to notify.Topics %q", t.prefix))
}

// pagesBySeverity says which severities' topics have a subscriber that pages.
func pagesBySeverity(subs map[alerts.Severity]Subscribers) map[alerts.Severity]bool {
	out := map[alerts.Severity]bool{}
	for sev, s := range subs {
		out[sev] = len(s.PagerDuty)+len(s.SMS) > 0
	}
	return out
}

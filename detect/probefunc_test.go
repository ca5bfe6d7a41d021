package detect

import (
	"context"
	"sync"
	"testing"

	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/probe"
)

// CheckOptions.Probe replaces probe.Run for every endpoint of the check
// (the batch's shared probe cache), and what it returns is what the
// report and the recommendation use.
func TestCheckProbesThroughOptionsProbe(t *testing.T) {
	run := fakes(t, []mail.Candidate{
		cand(mail.IMAP, "mail.example.org", 993, mail.TLS, "%EMAILADDRESS%"),
		cand(mail.SMTP, "mail.example.org", 465, mail.TLS, "%EMAILADDRESS%"),
	}, nil, func(ctx context.Context, ep mail.Server, o probe.Options) probe.Result {
		t.Errorf("probe.Run was used for %s although CheckOptions.Probe is set", ep)
		return probe.Result{}
	})
	var mu sync.Mutex
	asked := map[string]int{}
	rep := check(context.Background(), CheckOptions{
		Network: &network.Network{},
		Probe: func(ctx context.Context, _ *network.Network, ep mail.Server, sources []string, o probe.Options, _ event.Sink) probe.Result {
			mu.Lock()
			asked[ep.Key()]++
			mu.Unlock()
			r := working(ctx, ep, o)
			r.ID, r.Endpoint, r.Sources, r.Phase = ep.Key(), ep, sources, probe.PhaseDone
			return r
		},
	}, mustAddr(t, "anna@example.org"), nil, run)
	if len(asked) != 6 { // IMAP 993/143 + SMTP 465/587/25/2525
		t.Errorf("asked for %d endpoints: %v", len(asked), asked)
	}
	for k, n := range asked {
		if n != 1 {
			t.Errorf("%s asked %d times", k, n)
		}
	}
	if !rep.Working() || rep.Recommended.Incoming.Port != 993 {
		t.Errorf("the recommendation does not use the given probe's results: %+v", rep.Recommended)
	}
}

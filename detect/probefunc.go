package detect

import (
	"context"

	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/probe"
)

// ProbeFunc probes one endpoint; probe.Run is the one Check uses unless
// CheckOptions.Probe names another. A replacement must honour ctx's
// cancellation and return a Result for ep (it may be a result shared
// with other checks: Check copies what it keeps). ctx carries Check's
// backstop deadline (the probe's own timeout plus a grace period); a
// replacement that queues probes behind others may run them under a
// context of its own instead, as long as that ends when the caller's
// work is canceled.
type ProbeFunc func(ctx context.Context, nw *network.Network, ep mail.Server, sources []string, opts probe.Options, sink event.Sink) probe.Result

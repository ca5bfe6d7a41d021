package engine

import (
	"context"

	"github.com/postino-mail/postino/detect/batch"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/export"
	"github.com/postino-mail/postino/gui/backend"
)

// Batch is the real backend.BatchEngine: batch.Run through the network main
// built, with the settings' DNS server and CA file applied as for a check.
type Batch struct {
	// Network is the one network of the program (tests hand in the
	// loopback lab's).
	Network *network.Network
}

// Batch implements backend.BatchEngine.
func (b Batch) Batch(ctx context.Context, req backend.BatchRequest, sink event.Sink) (*batch.Report, error) {
	nw, err := withDNSSetting(b.Network, req.Settings)
	if err != nil {
		return nil, err
	}
	var formats []export.Format
	for _, n := range req.Formats {
		if f, ok := export.Lookup(n); ok {
			formats = append(formats, f)
		}
	}
	return batch.Run(ctx, batch.Options{
		Output: req.Output, Formats: formats, Force: req.Force, Health: req.Health, Lang: req.Lang,
		Network: nw, ISPDBURL: req.Settings.ISPDBURL, NoHTTP: !req.Settings.AllowHTTPAutoconfig,
		ProbeTimeout: req.Settings.ProbeTimeout,
	}, req.List, sink)
}

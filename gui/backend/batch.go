package backend

import (
	"context"

	"github.com/postino-mail/postino/detect/batch"
	"github.com/postino-mail/postino/detect/event"
)

// BatchEngine prepares profiles for a list of users (batch.Run),
// emitting the batch package's events; it returns when done or soon
// after ctx is cancelled.
type BatchEngine interface {
	Batch(ctx context.Context, req BatchRequest, sink event.Sink) (*batch.Report, error)
}

// BatchRequest is one batch the person asked for.
type BatchRequest struct {
	List    *batch.List
	Output  string
	Formats []string
	Force   bool
	Health  bool
	// Lang is the language of the profiles' texts and the report: the
	// window's.
	Lang     string
	Settings Settings
}

// Package event defines the one stream that drives every front end: the
// discovery sources, the candidates, the probes and the recommendation
// are all reported as events, and the GUI, the text CLI and the JSON CLI
// render the same stream.
package event

// Event is anything the engine reports. Concrete types live in the
// package that produces them (detect/discover, detect/probe, detect);
// front ends type-switch on them.
type Event interface {
	// EventKind is a stable name ("source-started", "probe-update", ...),
	// used for logs and for a line-delimited JSON stream.
	EventKind() string
}

// Sink receives events. A Sink must not block for long: producers call it
// from their own goroutines. It must be safe for concurrent use.
type Sink func(Event)

// Discard is a Sink that drops everything.
func Discard(Event) {}

// Emit calls s if it is not nil.
func (s Sink) Emit(e Event) {
	if s != nil {
		s(e)
	}
}

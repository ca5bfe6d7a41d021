package gui

import "github.com/postino-mail/postino/gui/backend"

// The window's side of the engine contract (gui/backend), under the
// names the window's code uses.
type (
	// Request is one check the person asked for.
	Request = backend.Request
	// Engine runs checks (see backend.Engine).
	Engine = backend.Engine
	// EngineFunc adapts a function to Engine.
	EngineFunc = backend.EngineFunc
	// EngineError says why an engine could not start a check.
	EngineError = backend.EngineError
	// Retrier probes one endpoint again (see backend.Retrier).
	Retrier = backend.Retrier
	// RoundTripper sends a test message (see backend.RoundTripper).
	RoundTripper = backend.RoundTripper
	// HealthEngine runs domain health checks (see backend.HealthEngine).
	HealthEngine = backend.HealthEngine
	// HealthRequest is one health run the person asked for.
	HealthRequest = backend.HealthRequest
	// TrustRetrier probes one endpoint again on a host the person trusts.
	TrustRetrier = backend.TrustRetrier
)

// engineSettings is what the engines need of the settings.
func (s Settings) engineSettings() backend.Settings {
	return s.Settings
}

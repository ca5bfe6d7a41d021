// Package deptest holds the test of the dependency rule: the engine
// (detect/, export/) and the catalogue it renders with (assets/i18n)
// speak codes and typed data and never depend on a GUI toolkit, so they
// build without cgo and a headless server can run them. The rule is in
// docs/architecture.md.
package deptest

//go:build !windows

package network

// Elsewhere the syscall constants are the platform's own codes.
var platformRefused, platformUnreachable []error

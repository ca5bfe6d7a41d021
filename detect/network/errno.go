package network

import (
	"errors"
	"syscall"
)

// The socket errors that decide how a failed dial is reported. On
// Windows, Winsock answers with its own WSAE* codes, which errors.Is does
// not equate with syscall.ECONNREFUSED and friends (those are made-up
// values there), so each list also holds the platform's codes
// (errno_windows.go); without them a refused port on Windows would be
// reported as "unreachable".
var (
	refusedErrors     = append([]error{syscall.ECONNREFUSED}, platformRefused...)
	unreachableErrors = append([]error{syscall.ENETUNREACH, syscall.EHOSTUNREACH, syscall.EADDRNOTAVAIL}, platformUnreachable...)
)

func isAny(err error, targets []error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

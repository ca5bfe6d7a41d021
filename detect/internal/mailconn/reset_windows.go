package mailconn

import "syscall"

// Winsock answers with its own codes (winerror.h), which errors.Is does
// not equate with syscall.ECONNRESET (a made-up value on Windows): a
// reset there must still read as "closed", not as a foreign protocol.
var platformReset = []error{
	syscall.Errno(10054), // WSAECONNRESET
	syscall.Errno(10053), // WSAECONNABORTED
}

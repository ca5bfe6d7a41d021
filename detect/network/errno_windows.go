package network

import "syscall"

// Winsock error codes (winerror.h).
var (
	platformRefused     = []error{syscall.Errno(10061)}                                             // WSAECONNREFUSED
	platformUnreachable = []error{syscall.Errno(10051), syscall.Errno(10065), syscall.Errno(10049)} // WSAENETUNREACH, WSAEHOSTUNREACH, WSAEADDRNOTAVAIL
)

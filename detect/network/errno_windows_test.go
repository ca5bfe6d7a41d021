package network

import (
	"context"
	"net"
	"os"
	"syscall"
	"testing"
)

// Winsock's codes are classified like their POSIX twins: a refused port
// on Windows is "refused", not "unreachable". (Run under Wine in CI:
// .ci/check-wine.sh.)
func TestWinsockDialErrorsAreClassified(t *testing.T) {
	for code, want := range map[syscall.Errno]DialFailure{
		10061: Refused,
		10051: Unreachable,
		10065: Unreachable,
		10049: Unreachable,
	} {
		err := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connectex", code)}
		if got := classifyDialError(context.Background(), err); got != want {
			t.Errorf("WSA error %d: %v, want %v", int(code), got, want)
		}
	}
}

// Against a real closed port, through Windows' own socket layer.
func TestRefusedPortIsRefusedOnWindows(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = (&net.Dialer{}).Dial("tcp", addr)
	if err == nil {
		t.Skip("something listens on the port just closed")
	}
	if got := classifyDialError(context.Background(), err); got != Refused {
		t.Fatalf("dialing a closed port: %v classified %v, want Refused", err, got)
	}
}

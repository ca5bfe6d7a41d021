package cli

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"

	"github.com/postino-mail/postino/detect/network"
)

// testNetwork is the Network the in-process runs of this package's tests
// hand to Main as Env.Network, the way main hands over the one it built.
// A test points it at its loopback lab with useNetwork.
var testNetwork *network.Network

// useNetwork makes nw the network of the sub-commands this test runs.
func useNetwork(t *testing.T, nw *network.Network) {
	t.Helper()
	old := testNetwork
	testNetwork = nw
	t.Cleanup(func() { testNetwork = old })
}

// useTripwire makes any use of the network fail the test, a DNS query
// as much as a connection: input that must be refused is refused before
// anything is sent.
func useTripwire(t *testing.T) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 512)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return // closed at cleanup
			}
			t.Error("a DNS query was sent for input that should have been refused")
		}
	}()
	t.Cleanup(func() { pc.Close(); wg.Wait() })
	useNetwork(t, &network.Network{
		DNSServers:   []string{pc.LocalAddr().String()},
		LoopbackOnly: true,
		DialFunc: func(context.Context, string, string) (net.Conn, error) {
			t.Error("a connection was opened for input that should have been refused")
			return nil, errors.New("refused by test")
		},
	})
}

package mailconn

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
)

func pipe(t *testing.T, data string) net.Conn {
	t.Helper()
	client, server := net.Pipe()
	go func() {
		io.WriteString(server, data)
		server.Close()
	}()
	t.Cleanup(func() { client.Close() })
	return client
}

func TestBoundedStopsAnEndlessLineAndRecordsItInTheBudget(t *testing.T) {
	b := Bound(pipe(t, strings.Repeat("x", MaxLine+10)), nil)
	_, err := io.ReadAll(b)
	if !errors.Is(err, ErrLineTooLong) || !errors.Is(b.Budget().Err(), ErrLineTooLong) {
		t.Fatalf("err %v budget err %v, want ErrLineTooLong", err, b.Budget().Err())
	}
}

func TestBoundedStopsTooMuchDataAcrossLayers(t *testing.T) {
	budget := NewBudget(100)
	first := Bound(pipe(t, strings.Repeat("ok\r\n", 20)), budget)
	if _, err := io.ReadAll(first); err != nil {
		t.Fatalf("first layer: %v", err)
	}
	second, err := Upgrade(first, func(net.Conn) (net.Conn, error) { return pipe(t, strings.Repeat("ok\r\n", 20)), nil })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(second); !errors.Is(err, ErrTooMuchData) {
		t.Fatalf("second layer: %v, want ErrTooMuchData (the budget is shared)", err)
	}
}

func TestScrub(t *testing.T) {
	for _, c := range []struct{ text, pw, want string }{
		{"NO bad secret-pw here", "secret-pw", "NO bad *** here"},
		{"NO abc", "abc", "[withheld]"},
		{"NO nothing", "abc", "NO nothing"},
		{"NO nothing", "", "NO nothing"},
	} {
		if got := Scrub(c.text, c.pw, "[withheld]"); got != c.want {
			t.Errorf("Scrub(%q, %q) = %q, want %q", c.text, c.pw, got, c.want)
		}
	}
}

// Bytes the server sent after agreeing to STARTTLS, before the
// handshake, end the session: the handshake is never run.
func TestStartTLSRefusesDataSentBeforeTheHandshake(t *testing.T) {
	c := pipe(t, "220 go ahead\r\n250 injected\r\n")
	br := bufio.NewReader(c)
	if _, err := br.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	handshook := false
	_, err := StartTLS(c, br, func(under net.Conn) (net.Conn, error) { handshook = true; return under, nil })
	if !errors.Is(err, ErrDataBeforeTLS) || handshook {
		t.Errorf("err %v, handshake run %v; want ErrDataBeforeTLS and no handshake", err, handshook)
	}
}

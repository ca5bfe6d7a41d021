package network

import (
	"context"
	"fmt"
	"time"

	"github.com/miekg/dns"

	"github.com/postino-mail/postino/detect/internal/mailconn"
)

// exchangeUDPThenTCP asks server over UDP and, on the same server, over
// TCP (RFC 7766 §5) when
//   - the answer is truncated (TC bit): the full answer only fits on TCP;
//   - the UDP exchange failed for a reason other than a timeout: the
//     datagram could not be sent or read (a firewall or VPN that rejects
//     UDP to a chosen resolver with ICMP, a socket option the platform
//     lacks — Wine's Windows sockets refuse the ioctl Go's UDP setup
//     makes), or the reply was malformed.
//
// A timeout is not retried over TCP: a server that is down or dropping
// packets would only make the person wait a second DNS timeout for
// every query. A cancelled context is not retried either.
func exchangeUDPThenTCP(ctx context.Context, q *dns.Msg, server string, timeout time.Duration) (*dns.Msg, error) {
	udp := &dns.Client{Net: "udp", UDPSize: 4096, Timeout: timeout}
	resp, err := exchangeCancelable(ctx, udp, q, server)
	switch {
	case err == nil && !resp.Truncated:
		return resp, nil
	case err != nil && (ctx.Err() != nil || mailconn.IsTimeout(err)):
		return nil, err
	}
	tcp := &dns.Client{Net: "tcp", Timeout: timeout}
	tresp, terr := exchangeCancelable(ctx, tcp, q, server)
	if terr != nil && err != nil {
		// Both failed: say both. The error that decides (a timeout or
		// not) is the last one, TCP's.
		return nil, fmt.Errorf("%w (over UDP: %v)", terr, err)
	}
	return tresp, terr
}

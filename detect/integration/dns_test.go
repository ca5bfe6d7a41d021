package integration

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDetectReadsHugeSRVAnswersFromARealDNSServerOverTCP asks NSD for
// manysrv.test. Its _imaps answer (60 records with 200-byte targets) does
// not fit in UDP, so NSD answers with TC and no records, and only the
// TCP retry (RFC 7766) can find any; the best priorities are listed last,
// so finding them proves the whole answer arrived. Its _pop3s answer has
// 300 records: Postino reads the first 64 received (network.MaxAnswers)
// and proposes at most 8 targets per service, in priority order.
func TestDetectReadsHugeSRVAnswersFromARealDNSServerOverTCP(t *testing.T) {
	s := need(t)
	d := s["REALSERVERS_MANYSRV_DOMAIN"]
	if d == "" {
		t.Fatal("the real servers' environment has no REALSERVERS_MANYSRV_DOMAIN: rerun .ci/realservers.sh start")
	}
	start := time.Now()
	r := s.run(t, "", "detect", "--json", "--no-http", "anna@"+d)
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("detect took %v", took)
	}
	if r.code != 1 {
		t.Errorf("exit %d, want 1 (incoming only)\nstderr:\n%s", r.code, r.stderr)
	}
	var doc detectDoc
	r.decode(t, &doc)
	for _, src := range doc.Sources {
		if src.Name == "srv" && src.Status != "found" {
			t.Fatalf("srv source %+v, want found (over TCP)", src)
		}
	}
	pad := strings.Repeat("x", 60)
	var wantIMAP, wantPOP []string
	for i := 0; i < 8; i++ {
		wantIMAP = append(wantIMAP, fmt.Sprintf("imap%d.%s.%s.%s.%s", i, pad, pad, pad, d))
		// The first 64 of 300 records received are priorities 299…236.
		wantPOP = append(wantPOP, fmt.Sprintf("pop%d.%s", 236+i, d))
	}
	var gotIMAP, gotPOP []string
	for _, c := range doc.Candidates {
		if !slices.Contains(c.Sources, "srv") {
			continue
		}
		switch {
		case c.Protocol == "imap" && c.Port == 993 && c.Security == "tls":
			gotIMAP = append(gotIMAP, c.Host)
		case c.Protocol == "pop3" && c.Port == 995 && c.Security == "tls":
			gotPOP = append(gotPOP, c.Host)
		default:
			t.Errorf("unexpected SRV candidate %v", c.endpoint())
		}
	}
	if !slices.Equal(gotIMAP, wantIMAP) {
		t.Errorf("IMAP targets from SRV:\n got %v\nwant %v", gotIMAP, wantIMAP)
	}
	if !slices.Equal(gotPOP, wantPOP) {
		t.Errorf("POP3 targets from SRV:\n got %v\nwant %v", gotPOP, wantPOP)
	}
}

package tlsrpt

import "testing"

func TestParseReadsReportAddresses(t *testing.T) {
	r, err := Parse("v=TLSRPTv1; rua=mailto:reports@example.com, https://reporting.example.com/v1/tlsrpt")
	if err != nil || len(r.RUA) != 2 {
		t.Fatalf("got %+v, %v", r, err)
	}
}

func TestParseRejectsBrokenRecords(t *testing.T) {
	for _, txt := range []string{"v=TLSRPTv1", "v=TLSRPTv1; rua=", "v=TLSRPTv1; rua=ftp://x.example/", "v=TLSRPTv1; rua=https:///", "v=TLSRPTv2; rua=mailto:a@b.example"} {
		if _, err := Parse(txt); err == nil {
			t.Errorf("Parse(%q) accepted a broken record", txt)
		}
	}
}

package probe

import "github.com/postino-mail/postino/detect/problem"

// Clone returns a copy of r that shares no slice or pointer with it, so
// that a front end may keep or change a snapshot without touching the
// probe's or another front end's copy.
func (r Result) Clone() Result {
	out := r
	out.Sources = append([]string{}, r.Sources...)
	out.Capabilities = append([]string(nil), r.Capabilities...)
	out.AuthMechanisms = append([]string{}, r.AuthMechanisms...)
	out.Phases = append([]PhaseTime(nil), r.Phases...)
	out.Transcript = append([]Line(nil), r.Transcript...)
	out.Problems = append([]problem.Problem(nil), r.Problems...)
	if r.TLS != nil {
		t := *r.TLS
		t.DNSNames = append([]string(nil), t.DNSNames...)
		if t.Cert != nil {
			c := *t.Cert
			t.Cert = &c
		}
		out.TLS = &t
	}
	if r.StartTLSOffered != nil {
		v := *r.StartTLSOffered
		out.StartTLSOffered = &v
	}
	return out
}

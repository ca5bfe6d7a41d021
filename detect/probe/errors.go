package probe

import (
	"github.com/postino-mail/postino/detect/internal/mailerr"
	"github.com/postino-mail/postino/detect/problem"
)

func notProtocol(line string) error {
	return &mailerr.NotProtocol{Line: truncate(line, 80)}
}

// failed records why a step failed, as the shared classifier
// (mailerr.Classify) reads err with what the probe knows about the
// connection. loginStep says the error answered our credentials.
func (r *run) failed(err error, loginStep bool) { r.record(mailerr.Classify(err, r.facts(loginStep))) }

// record records a failure; a silent server is also a reachability
// verdict.
func (r *run) record(p problem.Problem) {
	if p.Code == problem.NoGreeting {
		r.res.Reachability = NoGreeting
	}
	r.fail(p)
}

// facts is what the probe knows beyond the error. The probe's deadline
// has ended when its context has, or when the clock has passed it at
// the login (a read deadline may fire at the very instant, before the
// timer runs; the library then says only "closed").
func (r *run) facts(loginStep bool) mailerr.Facts {
	canceled := r.parentDone()
	f := mailerr.Facts{
		Server: r.ep, LoginStep: loginStep, LoginWait: r.loginTimeout(),
		Canceled: canceled,
		Expired:  !canceled && (r.ctx.Err() != nil || (loginStep && r.clock.expired())),
		Recorded: true, LastLine: r.tr.lastServerLine(),
		Silent: r.tr.bytesReceived() == 0, CutOff: r.tr.lineCutOff(),
	}
	if r.nw != nil {
		f.Roots = r.nw.RootCAs
	}
	return f
}

func (r *run) parentDone() bool { return r.parent.Err() != nil }

// oneLine joins a multi-line reply for display.
func oneLine(s string) string { return problem.ServerLine(s) }

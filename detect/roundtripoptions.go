package detect

import (
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/roundtrip"
)

// RoundTripOptions returns the options for a round trip (roundtrip.Run,
// roundtrip.Delete) that proves the settings this check recommended:
// the message goes out through the recommended outgoing server and is
// looked for on the recommended incoming one, with the user name and
// password the check logged in with. Every front end (the CLI's
// --send-test, the window's "Send test message") decides through here,
// so they refuse the same cases.
//
// When the check does not allow a round trip, the second result is why,
// as a roundtrip.Result code (see roundtrip.Codes) for a Refused result:
// "check-canceled", "no-working-settings" (no recommended incoming or
// outgoing server), "no-password", or "login-unverified" (a recommended
// server did not accept the password during the check: it was wrong,
// or was held back because the certificate failed verification or the
// server offered no safe login). The options are then zero.
//
// The caller sets Deadline, PollInterval, Delete and AllowInsecureTLS;
// AllowInsecureTLS should be what the check itself was allowed.
func (r *Report) RoundTripOptions(address, username, password string) (roundtrip.Options, string) {
	if code := r.roundTripBlocker(password); code != "" {
		return roundtrip.Options{}, code
	}
	return roundtrip.Options{
		Address:  address,
		Username: username,
		Password: password,
		SMTP:     r.Recommended.Outgoing.Server,
		Incoming: r.Recommended.Incoming.Server,
	}, ""
}

func (r *Report) roundTripBlocker(password string) string {
	switch {
	case r == nil:
		return "no-working-settings"
	case r.Canceled:
		return "check-canceled"
	}
	rec := r.Recommended
	switch {
	case rec.Incoming == nil || rec.Outgoing == nil:
		return "no-working-settings"
	case password == "":
		return "no-password"
	case rec.Incoming.Login != probe.LoginOK || rec.Outgoing.Login != probe.LoginOK:
		return "login-unverified"
	}
	return ""
}

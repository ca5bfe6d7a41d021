// Package integration runs the real postino binary against real,
// third-party servers on loopback: Dovecot (IMAP, POP3), Postfix (SMTP on
// 25, 587, 465 and 2525) and NSD (an authoritative DNS server for the test
// zones), set up by .ci/realservers.sh, which `make test` starts before
// the Go tests and stops after them. In-process fakes show that Postino
// agrees with itself; these tests show it agrees with the servers people
// really run.
//
// Every test here skips with one line saying why when the servers are not
// running (not root, not Debian/Ubuntu, or not started). The package has
// no code of its own: it is all in the _test files.
package integration

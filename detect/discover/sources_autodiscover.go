package discover

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/postino-mail/postino/detect/address"
	"github.com/postino-mail/postino/detect/autodiscover"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
)

// MaxAutodiscoverRedirects caps one Autodiscover chain: HTTP redirects,
// redirectAddr and redirectUrl answers all count.
const MaxAutodiscoverRedirects = network.MaxRedirects

// autodiscoverURLs are the two fixed places Outlook tries
// ([MS-OXDSCLI] §3.1.5: the domain itself, then autodiscover.DOMAIN;
// Postino asks both at once and prefers autodiscover.DOMAIN).
func autodiscoverURLs(domain string) []string {
	return []string{
		"https://autodiscover." + domain + "/autodiscover/autodiscover.xml",
		"https://" + domain + "/autodiscover/autodiscover.xml",
	}
}

// autodiscover asks Outlook's Autodiscover (POX) service at both fixed
// URLs and at the target of SRV _autodiscover._tcp. It never sends a
// password: the request names the address only.
func (r *runner) autodiscover(ctx context.Context) outcome {
	var tries []func(context.Context) attempt
	for _, u := range autodiscoverURLs(r.domain) {
		u := u
		tries = append(tries, func(ctx context.Context) attempt { return r.autodiscoverChain(ctx, u, true) })
	}
	tries = append(tries, r.autodiscoverSRV)
	return fromAttempt(firstInOrder(ctx, tries))
}

// autodiscoverSRV follows SRV _autodiscover._tcp.DOMAIN to its best
// target; a target outside the domain is untrusted.
func (r *runner) autodiscoverSRV(ctx context.Context) attempt {
	name := "dns:_autodiscover._tcp." + r.domain + "?type=SRV"
	recs, err := r.net.LookupSRV(ctx, "autodiscover", "tcp", r.domain)
	if err != nil {
		return attempt{url: name, trust: TrustHTTPS, err: err}
	}
	orderSRV(recs)
	for _, rec := range recs {
		if rec.Target == "" || rec.Port == 0 {
			continue
		}
		host := rec.Target
		if rec.Port != 443 {
			host = net.JoinHostPort(rec.Target, strconv.Itoa(int(rec.Port)))
		}
		return r.autodiscoverChain(ctx, "https://"+host+"/autodiscover/autodiscover.xml", inDomain(rec.Target, r.domain))
	}
	return attempt{url: name, trust: TrustHTTPS, err: network.ErrNotFound}
}

// autodiscoverChain POSTs the request to start and follows at most
// MaxAutodiscoverRedirects redirects of any kind. Every hop must stay on
// HTTPS; a hop to another domain makes the answer untrusted.
func (r *runner) autodiscoverChain(ctx context.Context, start string, trusted bool) attempt {
	target, email := start, r.email
	a := attempt{url: start}
	setTrust := func() {
		a.trust = TrustHTTPS
		if !trusted {
			a.trust = TrustRedirectUntrusted
		}
	}
	setTrust()
	// follow moves the chain to a redirect target, an HTTP Location or a
	// redirectUrl answer alike: HTTPS only, and a target outside the
	// address's domain makes whatever it answers untrusted.
	follow := func(location string) error {
		next, err := r.nextHop(target, location)
		if err != nil {
			return err
		}
		if !inDomain(hostOf(next), r.domain) {
			trusted = false
			setTrust()
		}
		target = next
		return nil
	}
	for hops := 0; ; hops++ {
		if hops > MaxAutodiscoverRedirects {
			a.err = fmt.Errorf("autodiscover from %s: %w", start, network.ErrTooManyRedirects)
			return a
		}
		a.url = target
		res, err := r.postAutodiscover(ctx, target, email)
		if err != nil {
			a.err = err
			return a
		}
		if res.Location != "" {
			if a.err = follow(res.Location); a.err != nil {
				return a
			}
			continue
		}
		resp, err := parseAutodiscover(res.Body)
		if err != nil {
			a.err = err
			return a
		}
		switch {
		case resp.RedirectAddr != "":
			// [MS-OXDSCLI] §3.1.5.3: start again for the new address.
			na, err := address.Parse(resp.RedirectAddr)
			if err != nil {
				a.err = fmt.Errorf("%w: redirectAddr %q: %w", errMalformed, resp.RedirectAddr, err)
				return a
			}
			if na.Domain != r.domain {
				trusted = false
				setTrust()
			}
			email, target = na.String(), autodiscoverURLs(na.Domain)[0]
			continue
		case resp.RedirectURL != "":
			if a.err = follow(resp.RedirectURL); a.err != nil {
				return a
			}
			continue
		}
		a.provider, a.props = r.autodiscoverProvider(resp, email, trusted)
		if len(a.props) == 0 {
			a.err = errEmpty
		}
		return a
	}
}

// postAutodiscover sends the request for email to target. The statuses
// that mean "no Autodiscover here" become the errors discovery reports
// as such rather than as failures.
func (r *runner) postAutodiscover(ctx context.Context, target, email string) (*network.HTTPResult, error) {
	res, err := r.net.Post(ctx, target, "text/xml; charset=utf-8", autodiscover.RequestBody(email), 0)
	var statusErr *network.HTTPStatusError
	switch {
	case errors.As(err, &statusErr) && (statusErr.Status == 401 || statusErr.Status == 403):
		// Exchange and Microsoft 365 answer 401 to an anonymous
		// request; Postino never sends a password, so there is
		// simply nothing for it here.
		return nil, fmt.Errorf("%w: %w", errAuthRequired, err)
	case errors.As(err, &statusErr) && statusErr.Status == 405:
		// The usual answer of an ordinary web site to a POST at
		// DOMAIN/autodiscover/...: no Autodiscover service, which
		// is "nothing here", not a failure.
		return nil, fmt.Errorf("%w: %w", network.ErrNotFound, err)
	}
	return res, err
}

// parseAutodiscover reads an answer; a well-formed "no settings for this
// address" is empty, anything else unreadable is malformed.
func parseAutodiscover(body []byte) (*autodiscover.Response, error) {
	resp, err := autodiscover.Parse(body)
	if err == nil {
		return resp, nil
	}
	var ae *autodiscover.Error
	if errors.As(err, &ae) && (ae.Code == autodiscover.CodeServerError || ae.Code == autodiscover.CodeNoServer) {
		return nil, fmt.Errorf("%w: %w", errEmpty, err)
	}
	return nil, fmt.Errorf("%w: %w", errMalformed, err)
}

// autodiscoverProvider turns an answer for email into a provider and its
// proposals.
func (r *runner) autodiscoverProvider(resp *autodiscover.Response, email string, trusted bool) (*mail.Provider, []proposal) {
	// Autodiscover names no provider id; the domain it answered for
	// (after any redirectAddr) is the closest thing, as an
	// autoconfig file's <emailProvider id> usually is.
	answered := email[strings.LastIndexByte(email, '@')+1:]
	p := &mail.Provider{ID: answered, Domains: []string{answered}, DisplayName: resp.DisplayName}
	local := r.addr.Local
	for _, s := range resp.Servers {
		// Autodiscover gives a literal login; keep the template form
		// every other source uses, so exports work for the domain.
		if s.Username != "" {
			s.Username = mail.TemplateUsername(s.Username, local, r.domain)
		}
		if s.Protocol.Incoming() {
			p.Incoming = append(p.Incoming, s)
		} else {
			p.Outgoing = append(p.Outgoing, s)
		}
	}
	return p, proposalsFrom(p, trusted)
}

// nextHop resolves a redirect target against the current URL and refuses
// anything but HTTPS.
func (r *runner) nextHop(current, location string) (string, error) {
	base, err := url.Parse(current)
	if err != nil {
		return "", err
	}
	ref, err := url.Parse(strings.TrimSpace(location))
	if err != nil {
		return "", fmt.Errorf("%w: redirect to %q", errMalformed, location)
	}
	next := base.ResolveReference(ref)
	if next.Scheme != "https" {
		return "", fmt.Errorf("%s → %s: %w", current, next, network.ErrInsecureRedirect)
	}
	if next.Host == "" {
		return "", errors.New("redirect without a host")
	}
	return next.String(), nil
}

func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

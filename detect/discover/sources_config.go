package discover

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/postino-mail/postino/detect/autoconfig"
	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/providers"
)

// parseConfig reads an autoconfig document for this address; warnings
// (skipped sections) are the parser's business and do not fail the
// source. Host names templated with the address's parts
// ("mail.%EMAILDOMAIN%", as hosting panels publish) are expanded.
func (r *runner) parseConfig(data []byte) (*mail.Provider, error) {
	p, _, err := autoconfig.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errMalformed, err)
	}
	p = autoconfig.ExpandHosts(p, r.addr.Local, r.domain)
	if p == nil || len(p.Incoming)+len(p.Outgoing) == 0 {
		return p, errEmpty
	}
	return p, nil
}

// fromAttempt turns a source's winning (or most telling) attempt into its
// outcome.
func fromAttempt(a attempt, ok bool) outcome {
	o := outcome{url: a.url, trust: a.trust, err: a.err}
	if ok {
		o.status, o.provider, o.proposals = StatusFound, a.provider, a.props
		return o
	}
	o.status = statusOf(a.err)
	return o
}

func (r *runner) overridePath() string {
	return filepath.Join(r.opts.OverrideDir, r.domain+".xml")
}

// override reads the person's own file, isp/DOMAIN.xml in Thunderbird's
// format: it outranks everything because the person put it there.
func (r *runner) override(ctx context.Context) outcome {
	path := r.overridePath()
	o := outcome{url: path, trust: TrustLocal}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			o.status = StatusNotFound
			return o
		}
		o.status, o.err = StatusError, err
		return o
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, network.MaxHTTPBody+1))
	if err == nil && len(data) > network.MaxHTTPBody {
		err = fmt.Errorf("%s: %w", path, network.ErrBodyTooLarge)
	}
	if err != nil {
		o.status, o.err = StatusError, err
		return o
	}
	p, err := r.parseConfig(data)
	if err != nil {
		o.status, o.err = StatusError, fmt.Errorf("%s: %w", path, err)
		return o
	}
	o.status, o.provider, o.proposals = StatusFound, p, proposalsFrom(p, true)
	return o
}

// builtin looks the domain up in Postino's own table.
func (r *runner) builtin(ctx context.Context) outcome {
	o := outcome{url: "builtin:" + r.domain, trust: TrustBuiltin}
	e, ok := providers.Lookup(r.domain)
	if !ok {
		o.status = StatusNotFound
		return o
	}
	p := e.Provider
	o.status, o.provider, o.proposals = StatusFound, &p, proposalsFrom(&p, true)
	return o
}

// autoconfigURLs are the two places a domain publishes its own
// configuration (Thunderbird's lookup order).
func (r *runner) autoconfigURLs(scheme string) []string {
	return autoconfigURLsFor(scheme, r.domain, r.email)
}

func autoconfigURLsFor(scheme, domain, email string) []string {
	q := "?emailaddress=" + url.QueryEscape(email)
	return []string{
		scheme + "://autoconfig." + domain + "/mail/config-v1.1.xml" + q,
		scheme + "://" + domain + "/.well-known/autoconfig/mail/config-v1.1.xml" + q,
	}
}

// fetchConfig is one try: GET a document and parse it.
func (r *runner) fetchConfig(rawURL string, trust Trust) func(ctx context.Context) attempt {
	return func(ctx context.Context) attempt {
		a := attempt{url: rawURL, trust: trust}
		res, err := r.net.Get(ctx, rawURL, 0)
		if err != nil {
			a.err = err
			return a
		}
		if res.URL != "" {
			a.url = res.URL
		}
		a.trust = redirectTrust(trust, rawURL, res)
		p, err := r.parseConfig(res.Body)
		if err != nil {
			a.err = err
			return a
		}
		a.provider, a.props = p, proposalsFrom(p, a.trust.Trusted())
		return a
	}
}

// redirectTrust is the trust of an answer fetched over HTTPS once the
// redirects are known: an answer that ended up outside the domain the
// request was for (the address's domain for autoconfig, the ISPDB's own
// domain for the ISPDB), or that crossed plain HTTP on the way, is no
// more trustworthy than where it ended up, so it is untrusted. The
// domain a URL is "for" is its host without a leading "autoconfig.".
func redirectTrust(trust Trust, rawURL string, res *network.HTTPResult) Trust {
	if trust != TrustHTTPS {
		return trust
	}
	if !res.Secure {
		return TrustRedirectUntrusted
	}
	home := strings.TrimPrefix(strings.ToLower(hostOf(rawURL)), "autoconfig.")
	final := hostOf(res.URL)
	if res.URL == "" {
		final = hostOf(rawURL)
	}
	if home == "" || !inDomain(final, home) {
		return TrustRedirectUntrusted
	}
	return trust
}

// autoconfig asks the domain's own web server (scheme https: source 3;
// http: source 8, untrusted because anyone on the path could alter it).
func (r *runner) autoconfig(ctx context.Context, scheme string) outcome {
	trust := TrustHTTPS
	if scheme == "http" {
		trust = TrustHTTPUntrusted
	}
	var tries []func(context.Context) attempt
	for _, u := range r.autoconfigURLs(scheme) {
		tries = append(tries, r.fetchConfig(u, trust))
	}
	return fromAttempt(firstInOrder(ctx, tries))
}

// ispdbTrust is the trust of an ISPDB answer: HTTPS unless someone
// pointed --ispdb at a plain-HTTP mirror.
func (r *runner) ispdbTrust() Trust {
	if u, err := url.Parse(r.opts.ISPDBURL); err == nil && u.Scheme == "https" {
		return TrustHTTPS
	}
	return TrustHTTPUntrusted
}

// ispdb asks the Thunderbird ISPDB.
func (r *runner) ispdb(ctx context.Context) outcome {
	tries := []func(context.Context) attempt{r.fetchConfig(r.opts.ISPDBURL+r.domain, r.ispdbTrust())}
	return fromAttempt(firstInOrder(ctx, tries))
}

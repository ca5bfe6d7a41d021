package network

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// HTTPResult is one fetched document and how it was reached.
type HTTPResult struct {
	// URL is the final URL after redirects.
	URL string
	// Redirects lists every URL that redirected, in order.
	Redirects []string
	Status    int
	Body      []byte
	// Secure is true when every hop was HTTPS with a verified certificate.
	Secure bool
	// Location is the target of a redirect that was not followed (Post).
	Location string
	// ContentType is the answer's Content-Type header as sent ("" when
	// absent): some formats must be served with one type (an MTA-STS
	// policy as text/plain, RFC 8461 §3.3).
	ContentType string
}

// ErrBodyTooLarge means a server sent more than the cap.
var ErrBodyTooLarge = errors.New("response body too large")

// ErrTooManyRedirects means the redirect chain exceeded MaxRedirects.
var ErrTooManyRedirects = errors.New("too many redirects")

// ErrInsecureRedirect means an HTTPS URL redirected to plain HTTP.
var ErrInsecureRedirect = errors.New("redirect from HTTPS to HTTP refused")

// HTTPClient returns a client that resolves and dials through the
// Network, trusts the Network's roots, follows at most MaxRedirects
// redirects, refuses HTTPS→HTTP downgrades, and never uses a proxy or
// cookies. Requests still need a context deadline; Get adds one.
func (n *Network) HTTPClient() *http.Client {
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            n.DialContext,
		TLSClientConfig:        &tls.Config{RootCAs: n.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    n.dialTimeout(),
		ResponseHeaderTimeout:  DefaultHTTPTimeout,
		MaxResponseHeaderBytes: 64 << 10,
		DisableKeepAlives:      true,
		ForceAttemptHTTP2:      false,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   DefaultHTTPTimeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > MaxRedirects {
				return ErrTooManyRedirects
			}
			if via[len(via)-1].URL.Scheme == "https" && req.URL.Scheme != "https" {
				return ErrInsecureRedirect
			}
			return nil
		},
	}
}

// Get fetches rawURL with a deadline, reading at most limit bytes of body
// (MaxHTTPBody when limit <= 0; see readCapped).
func (n *Network) Get(ctx context.Context, rawURL string, limit int64) (*HTTPResult, error) {
	req, cancel, err := newRequest(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	defer cancel()
	req.Header.Set("Accept", "application/xml, text/xml, */*;q=0.5")

	res := &HTTPResult{Secure: req.URL.Scheme == "https"}
	client := n.HTTPClient()
	// The transport dials on a context detached from the request, so a
	// dial still resolving when the request gives up would outlive this
	// call; closing idle connections cancels such dials.
	defer client.CloseIdleConnections()
	inner := client.CheckRedirect
	client.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if err := inner(r, via); err != nil {
			return err
		}
		res.Redirects = append(res.Redirects, via[len(via)-1].URL.String())
		if r.URL.Scheme != "https" {
			res.Secure = false
		}
		return nil
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, unwrapURLError(err)
	}
	defer resp.Body.Close()
	res.URL = resp.Request.URL.String()
	res.Status = resp.StatusCode
	res.ContentType = resp.Header.Get("Content-Type")
	res.Body, err = readCapped(resp, res.URL, limit)
	return res, err
}

// userAgent names Postino to the web servers it asks.
const userAgent = "Postino (mail settings checker)"

// newRequest checks that rawURL is an http or https URL with a host and
// builds a request bounded by DefaultHTTPTimeout; call cancel when done.
func newRequest(ctx context.Context, method, rawURL string, body io.Reader) (*http.Request, context.CancelFunc, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil, fmt.Errorf("bad URL %q", rawURL)
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultHTTPTimeout)
	req, err := http.NewRequestWithContext(ctx, method, rawURL, body)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	return req, cancel, nil
}

// readCapped reads resp's body, at most limit bytes (MaxHTTPBody when
// limit <= 0). A longer body is an error, not a silent truncation: a
// truncated XML file would parse into wrong settings. A non-2xx status is
// an *HTTPStatusError, returned with the body (servers explain errors in
// it).
func readCapped(resp *http.Response, rawURL string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = MaxHTTPBody
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w (over %d bytes)", ErrBodyTooLarge, limit)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return body, &HTTPStatusError{URL: rawURL, Status: resp.StatusCode}
	}
	return body, nil
}

// HTTPStatusError is a non-2xx answer.
type HTTPStatusError struct {
	URL    string
	Status int
}

func (e *HTTPStatusError) Error() string { return fmt.Sprintf("%s: HTTP %d", e.URL, e.Status) }

// NotFound reports whether the status means "no such document".
func (e *HTTPStatusError) NotFound() bool { return e.Status == 404 || e.Status == 410 }

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if errors.Is(ue.Err, ErrTooManyRedirects) || errors.Is(ue.Err, ErrInsecureRedirect) {
			return ue.Err
		}
	}
	return err
}

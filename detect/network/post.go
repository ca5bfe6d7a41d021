package network

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
)

// Post sends body to rawURL (HTTP or HTTPS) with a deadline and reads at
// most limit bytes of the answer (MaxHTTPBody when limit <= 0). Unlike
// Get it never follows a redirect: a 3xx answer comes back without error,
// with Status and Location set, because the one caller, Outlook
// Autodiscover, must re-POST to the new URL itself, count the hops and
// judge whether the new domain may be trusted ([MS-OXDSCLI] §3.1.5.4).
// No credentials are ever attached.
func (n *Network) Post(ctx context.Context, rawURL, contentType string, body []byte, limit int64) (*HTTPResult, error) {
	req, cancel, err := newRequest(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer cancel()
	req.Header.Set("Content-Type", contentType)
	client := n.HTTPClient()
	// The transport dials on a context detached from the request, so a
	// dial still resolving when the request gives up would outlive this
	// call; closing idle connections cancels such dials.
	defer client.CloseIdleConnections()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		return nil, unwrapURLError(err)
	}
	defer resp.Body.Close()
	res := &HTTPResult{URL: rawURL, Status: resp.StatusCode, Secure: req.URL.Scheme == "https", ContentType: resp.Header.Get("Content-Type")}
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		loc, err := resp.Location()
		if err != nil {
			return res, fmt.Errorf("%s: HTTP %d without a usable Location: %w", rawURL, resp.StatusCode, err)
		}
		res.Location = loc.String()
		return res, nil
	}
	res.Body, err = readCapped(resp, rawURL, limit)
	return res, err
}

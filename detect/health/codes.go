package health

import "github.com/postino-mail/postino/detect/health/spf"

// Codes lists every code a check can report, the public contract that
// docs/json.md documents; each has a summary, an explanation and a
// remedy in every language.
func Codes() []string {
	codes := []string{
		"dns-failed",
		"mx-ok", "mx-implicit", "mx-unresolved-some", "mx-ip-literal", "mx-cname",
		"mx-none", "mx-null", "mx-null-mixed", "mx-unresolved-all",
		"spf-ok", "spf-no-all", "spf-neutral-all", "spf-ptr", "spf-redirect-ignored", "spf-domain-unusable",
		"spf-multiple", "spf-plus-all", "spf-too-many-lookups", "spf-void-lookups",
		"spf-mx-too-many", "spf-loop", "spf-target-missing", "spf-target-broken", "spf-none",
		"dkim-ok", "dkim-only-revoked", "dkim-testing", "dkim-selector-missing",
		"dkim-weak-key", "dkim-invalid", "dkim-none",
		"dmarc-ok", "dmarc-p-none", "dmarc-p-missing", "dmarc-pct", "dmarc-no-rua",
		"dmarc-rua-unauthorized", "dmarc-rua-not-mailto", "dmarc-tag-invalid", "dmarc-multiple", "dmarc-invalid", "dmarc-none",
		"mtasts-ok", "mtasts-testing", "mtasts-mode-none", "mtasts-short-max-age",
		"mtasts-multiple", "mtasts-invalid-record", "mtasts-policy-http", "mtasts-policy-fetch",
		"mtasts-redirect", "mtasts-content-type", "mtasts-policy-invalid", "mtasts-mx-uncovered", "mtasts-none",
		"tlsrpt-ok", "tlsrpt-multiple", "tlsrpt-invalid", "tlsrpt-none",
	}
	// A permerror in the domain's own SPF record: "spf-" + its condition.
	for _, c := range spf.SyntaxCodes() {
		codes = append(codes, "spf-"+c)
	}
	return codes
}

package batch

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/mail"
)

// Report file names, in the output folder.
const (
	ReportJSON = "report.json"
	ReportCSV  = "report.csv"
	ReportHTML = "report.html"
)

// WriteReports writes report.json, report.csv (with sep as separator,
// the one the user list used, so a spreadsheet opens both alike) and
// report.html into dir, each atomically, replacing earlier ones.
func WriteReports(dir string, r *Report, sep rune) error {
	data, err := MarshalReport(r)
	if err != nil {
		return err
	}
	if _, err := writeAtomic(dir, ReportJSON, data, 0o644, true, true); err != nil {
		return err
	}
	if _, err := writeAtomic(dir, ReportCSV, reportCSV(r, sep), 0o644, true, true); err != nil {
		return err
	}
	page, err := reportHTML(r)
	if err != nil {
		return err
	}
	_, err = writeAtomic(dir, ReportHTML, page, 0o644, true, true)
	return err
}

// MarshalReport is report.json's content (what `postino batch --json`
// prints too).
func MarshalReport(r *Report) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// CSVColumns are report.csv's columns, one row per row of the list.
var CSVColumns = []string{"line", "email", "name", "domain", "status", "reason", "incoming", "outgoing", "files", "explanation"}

func serverText(s *mail.Server) string {
	if s == nil {
		return ""
	}
	return string(s.Protocol) + " " + s.Address() + " " + string(s.Security)
}

// reportCSV lists every user and every rejected row, in the order of
// the list. It starts with a UTF-8 byte order mark: Excel needs one to
// read accented names correctly.
func reportCSV(r *Report, sep rune) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	if sep != 0 {
		w.Comma = sep
	}
	w.Write(CSVColumns)
	byDomain := map[string]DomainReport{}
	for _, d := range r.Domains {
		byDomain[d.Domain] = d
	}
	type line struct {
		n   int
		rec []string
	}
	var lines []line
	for _, u := range r.Users {
		d := byDomain[u.Domain]
		code, text := "", ""
		if u.Reason != nil {
			code, text = u.Reason.Code, u.Reason.Text
		}
		lines = append(lines, line{u.Line, []string{strconv.Itoa(u.Line), u.Address, u.Name, u.Domain, string(u.Status), code,
			serverText(d.Incoming), serverText(d.Outgoing), strings.Join(u.Files, " "), text}})
	}
	for _, e := range r.Rejected {
		lines = append(lines, line{e.Line, []string{strconv.Itoa(e.Line), e.Value, "", "", "rejected", e.Code, "", "", "", e.Text}})
	}
	// Insertion sort by line: the lists are already nearly in order.
	for i := 1; i < len(lines); i++ {
		for j := i; j > 0 && lines[j].n < lines[j-1].n; j-- {
			lines[j], lines[j-1] = lines[j-1], lines[j]
		}
	}
	for _, l := range lines {
		w.Write(csvSafe(l.rec))
	}
	w.Flush()
	return b.Bytes()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula (CSV
// injection): a cell starting with = + - @ gets a leading apostrophe.
func csvSafe(rec []string) []string {
	for i, c := range rec {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			rec[i] = "'" + c
		}
	}
	return rec
}

// htmlFuncs are the page's template functions; t and t1 write in the
// report's language (reportHTML binds them for one page).
func htmlFuncs(l i18n.Localizer) template.FuncMap {
	return template.FuncMap{
		"t":  func(key string, data ...any) string { return l.T(key, data...) },
		"t1": func(key, name string, v any) string { return l.T(key, map[string]any{name: v}) },
	}
}

var htmlPage = template.Must(template.New("report").Funcs(htmlFuncs(i18n.For("en"))).Funcs(template.FuncMap{
	"server": serverText,
	// href makes a relative link of a /-separated path whose names may
	// hold %XX escapes of their own (SafeName).
	"href": func(p string) string {
		parts := strings.Split(p, "/")
		for i, s := range parts {
			parts[i] = url.PathEscape(s)
		}
		return strings.Join(parts, "/")
	},
}).Parse(`<!DOCTYPE html>
<html lang="{{.Language}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{t "batch.report.title"}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;width:100%}
th,td{border:1px solid #ccc;padding:.35em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}
.ok,.written,.kept{color:#186a18}.failed,.not-found,.not-working,.canceled,.write-failed,.rejected{color:#a11}
small{color:#555}
</style>
</head>
<body>
<h1>{{t "batch.report.title"}}</h1>
<p>{{t "batch.report.summary" .Summary}}{{if .Canceled}} <strong>{{t "batch.report.canceled"}}</strong>{{end}}</p>
{{if .IgnoredPasswordColumn}}<p>{{t1 "batch.password_column" "Column" .IgnoredPasswordColumn}}</p>{{end}}
<h2>{{t "batch.report.domains"}}</h2>
<table>
<tr><th>{{t "batch.report.domain"}}</th><th>{{t "batch.report.status"}}</th><th>{{t "batch.report.incoming"}}</th><th>{{t "batch.report.outgoing"}}</th><th>{{t "batch.report.problems"}}</th></tr>
{{range .Domains}}<tr>
<td>{{.Domain}}{{if .Provider}}<br><small>{{.Provider}}</small>{{end}}</td>
<td class="{{.Status}}">{{t (print "batch.domain." .Status)}}{{if .Reused}}<br><small>{{t "batch.report.reused"}}</small>{{end}}</td>
<td>{{server .Incoming}}</td>
<td>{{server .Outgoing}}</td>
<td>{{range .Problems}}<p><strong>{{.Host}}:{{.Port}}</strong> {{.Explanation}}<br><small>{{.Remedy}}</small></p>{{end}}{{range .Health}}<p>{{.Name}}: {{.Verdict}} — {{.Summary}}{{if .Remedy}}<br><small>{{.Remedy}}</small>{{end}}</p>{{end}}</td>
</tr>
{{end}}</table>
<h2>{{t "batch.report.users"}}</h2>
<table>
<tr><th>#</th><th>{{t "batch.report.address"}}</th><th>{{t "batch.report.status"}}</th><th>{{t "batch.report.files"}}</th></tr>
{{range .Users}}<tr>
<td>{{.Line}}</td><td>{{.Address}}{{if .Name}}<br><small>{{.Name}}</small>{{end}}</td>
<td class="{{.Status}}">{{t (print "batch.user." .Status)}}{{if .Reason}}<br><small>{{.Reason.Text}}</small>{{end}}</td>
<td>{{range .Files}}<a href="{{href .}}">{{.}}</a><br>{{end}}</td>
</tr>
{{end}}</table>
{{if .Rejected}}<h2>{{t "batch.report.rejected"}}</h2>
<table>
<tr><th>#</th><th>{{t "batch.report.value"}}</th><th>{{t "batch.report.reason"}}</th></tr>
{{range .Rejected}}<tr><td>{{.Line}}</td><td>{{.Value}}</td><td class="rejected">{{.Text}}</td></tr>
{{end}}</table>{{end}}
</body>
</html>
`))

// reportHTML writes the page in the report's language (Report.Language).
func reportHTML(r *Report) ([]byte, error) {
	page, err := htmlPage.Clone()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := page.Funcs(htmlFuncs(i18n.For(r.Language))).Execute(&b, r); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

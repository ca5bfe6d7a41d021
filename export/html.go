package export

import (
	"bytes"
	"html/template"
)

// htmlPage lays out the instructions as one printable page. html/template
// escapes every value by context, so user data can never become markup.
// Parts are plain divs rather than HTML5 sectioning elements so that
// HTML4-era checkers (xmllint --html, run by the tests) accept the page.
// Host names never wrap: a line break after "studio-" on a phone reads
// as part of the name.
var htmlPage = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 44em; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.5em; }
h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3em .6em; border-bottom: 1px solid #eee; }
th { width: 35%; font-weight: 600; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 1.05em; white-space: nowrap; }
.footer { margin-top: 2em; font-size: .85em; color: #555; }
@media screen and (max-width: 32em) {
  th, td { display: block; width: auto; }
  th { padding-bottom: 0; border-bottom: none; }
}
@page { margin: 1.5cm; }
@media print {
  body { margin: 0; max-width: none; color: #000; font-size: 10.5pt; line-height: 1.3; }
  h1 { font-size: 15pt; margin: 0 0 .5em; }
  h2 { font-size: 12pt; margin-top: 1.1em; break-after: avoid; }
  th, td { padding: .2em .5em; border-bottom-color: #ccc; }
  .part, table, li { break-inside: avoid; }
  a { color: #000; }
}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p>{{.Intro}}</p>
<table>
{{- range .Identity}}
<tr><th scope="row">{{.Label}}</th><td>{{.Value}}</td></tr>
{{- end}}
</table>
{{- if .Notes}}
<div class="part">
<h2>{{.NotesTitle}}</h2>
<ul>
{{- range .Notes}}
<li>{{if .Lang}}<span lang="{{.Lang}}">{{.Text}}</span>{{else}}{{.Text}}{{end}}{{if .URL}} <a href="{{.URL}}">{{.URL}}</a>{{end}}</li>
{{- end}}
</ul>
</div>
{{- end}}
{{- range .Sections}}
<div class="part">
<h2>{{.Title}}</h2>
<table>
{{- range .Rows}}
<tr><th scope="row">{{.Label}}</th><td>{{if .Literal}}<code>{{.Value}}</code>{{else}}{{.Value}}{{end}}</td></tr>
{{- end}}
</table>
</div>
{{- end}}
{{- if .Alternatives}}
<div class="part">
<h2>{{.AltTitle}}</h2>
<ul>
{{- range .Alternatives}}
<li>{{.}}</li>
{{- end}}
</ul>
</div>
{{- end}}
<p class="footer">{{.Footer}}</p>
</body>
</html>
`))

// HTML returns the written instructions as one self-contained, printable
// HTML page in opts.Lang (with a matching lang attribute).
func HTML(s Settings, opts Options) ([]byte, error) {
	in, err := buildInstructions(s, opts)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := htmlPage.Execute(&b, in); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/detect/autodiscover"
	"github.com/postino-mail/postino/detect/mail"
)

func domainFiles(t *testing.T, s Settings, opts DomainFilesOptions) map[string]File {
	t.Helper()
	files, err := DomainFiles(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]File{}
	for _, f := range files {
		out[f.Path] = f
	}
	return out
}

// TestDomainFilesTreeNamesNoPerson: the tree has every file at its
// place, readable by the web server, and nothing in it names the person
// whose check produced it: no address, login, display name or password;
// logins are placeholders.
func TestDomainFilesTreeNamesNoPerson(t *testing.T) {
	for _, name := range []string{"libero", "tiscali"} {
		s := fixtures()[name]
		files := domainFiles(t, s, DomainFilesOptions{Lang: "it", WebHost: "web.example.net"})
		var paths []string
		for p, f := range files {
			paths = append(paths, p)
			if f.Mode != 0o644 {
				t.Errorf("%s: mode %v", p, f.Mode)
			}
			for _, secret := range []string{s.Address, s.LocalPart() + "@", s.Password, s.DisplayName} {
				if secret != "" && bytes.Contains(f.Data, []byte(secret)) {
					t.Errorf("%s %s names the person (%q)", name, p, secret)
				}
			}
		}
		slices.Sort(paths)
		want := []string{DomainFileWellKnownAutoconfig, DomainFileReadme, DomainFileApache, DomainFileAutodiscover, DomainFileNginx, DomainFileZone, DomainFileAutoconfig}
		slices.Sort(want)
		if !slices.Equal(paths, want) {
			t.Errorf("%s: paths %v, want %v", name, paths, want)
		}
		tb := files[DomainFileAutoconfig].Data
		if !bytes.Equal(tb, files[DomainFileWellKnownAutoconfig].Data) {
			t.Error("the two autoconfig copies differ")
		}
		if !bytes.Contains(tb, []byte("%EMAIL")) {
			t.Errorf("%s: no placeholder login in the autoconfig file", name)
		}
		ad := string(files[DomainFileAutodiscover].Data)
		if strings.Contains(ad, "LoginName") || strings.Contains(ad, "<User>") || strings.Contains(ad, "DisplayName") {
			t.Errorf("%s: domain Autodiscover file names a person:\n%s", name, ad)
		}
		resp, err := autodiscover.Parse([]byte(ad))
		if err != nil || len(resp.Servers) < 2 {
			t.Errorf("%s: our Autodiscover reader: %v %v", name, resp, err)
		}
		readme := string(files[DomainFileReadme].Data)
		for _, want := range []string{DomainFileAutoconfig, DomainFileAutodiscover, "postino detect", "https://autoconfig." + s.Domain, "Certificati"} {
			if !strings.Contains(readme, want) {
				t.Errorf("%s README lacks %q", name, want)
			}
		}
		if !strings.Contains(string(files[DomainFileZone].Data), "CNAME web.example.net.") {
			t.Errorf("%s: zone does not point at the web host", name)
		}
	}
	en := domainFiles(t, fixtures()["libero"], DomainFilesOptions{Lang: "en"})
	it := domainFiles(t, fixtures()["libero"], DomainFilesOptions{Lang: "it"})
	if bytes.Equal(en[DomainFileReadme].Data, it[DomainFileReadme].Data) || !bytes.Contains(en[DomainFileReadme].Data, []byte("What goes where")) {
		t.Error("README not in the administrator's language")
	}
}

// TestDomainFilesReadmeSaysWhatWasLeftOut: what the Thunderbird file
// could not carry is listed in the README too.
func TestDomainFilesReadmeSaysWhatWasLeftOut(t *testing.T) {
	files := domainFiles(t, fixtures()["escaping"], DomainFilesOptions{Lang: "en"})
	readme := string(files[DomainFileReadme].Data)
	for _, want := range []string{"Left out, and why", "relay_1.xn--universit-y1a.example:465", "NTLM"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README lacks %q:\n%s", want, readme)
		}
	}
}

func TestDomainFilesRefuseBadInput(t *testing.T) {
	s := fixtures()["libero"]
	if _, err := DomainFiles(s, DomainFilesOptions{DeclareAbsent: []string{"_http._tcp"}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown service: %v", err)
	}
	s.Incoming.Auth = []mail.Auth{mail.AuthOAuth2}
	s.AlternativesIn = nil
	if _, err := DomainFiles(s, DomainFilesOptions{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("OAuth2-only: %v", err)
	}
}

func TestWriteTreeWritesAtomicallyAndStaysInside(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	files := domainFiles(t, fixtures()["libero"], DomainFilesOptions{})
	var list []File
	for _, f := range files {
		list = append(list, f)
	}
	if err := WriteTree(dir, list); err != nil {
		t.Fatal(err)
	}
	// Writing again replaces the files in place.
	if err := WriteTree(dir, list); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(d.Name(), "postino-tmp") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range list {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, f.Data) {
			t.Errorf("%s: %v", f.Path, err)
		}
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v %v", f.Path, st.Mode(), err)
		}
	}
	for _, bad := range []string{"../escape", "/etc/passwd", "a/../../b", `a\b`, "", ".", "a//b", "./a"} {
		if err := WriteTree(dir, []File{{Path: bad, Data: []byte("x")}}); !errors.Is(err, ErrUnsafePath) {
			t.Errorf("%q: %v, want ErrUnsafePath", bad, err)
		}
	}
	if err := WriteTree(dir, []File{{Path: "a", Data: nil}, {Path: "a", Data: nil}}); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("duplicate path: %v", err)
	}
	// A symbolic link inside the tree cannot carry a write outside it.
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := WriteTree(dir, []File{{Path: "link/x.txt", Data: []byte("x")}}); err == nil {
		t.Error("wrote through a symbolic link leading outside the tree")
	}
	if _, err := os.Stat(filepath.Join(outside, "x.txt")); err == nil {
		t.Error("file written outside the tree")
	}
}

// freePort finds a free loopback port for a web server under test.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startServer runs a web server in the foreground until the test ends.
func startServer(t *testing.T, port int, logFile, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-done:
			logs, _ := os.ReadFile(logFile)
			t.Fatalf("%s exited: %s\n%s", name, stderr.String(), logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not start: %s", name, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkServed asks the running server for the files the way the clients
// do: GET for the autoconfig files, Outlook's POST in its own letter
// case for Autodiscover; each answer must be the file, as XML.
func checkServed(t *testing.T, port int, files map[string]File) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	base := fmt.Sprintf("http://127.0.0.1:%d/", port)
	for _, tc := range []struct{ method, path, file string }{
		{"GET", DomainFileAutoconfig + "?emailaddress=someone%40libero.it", DomainFileAutoconfig},
		{"GET", DomainFileWellKnownAutoconfig, DomainFileWellKnownAutoconfig},
		{"POST", "autodiscover/autodiscover.xml", DomainFileAutodiscover},
		{"POST", "Autodiscover/Autodiscover.xml", DomainFileAutodiscover},
		{"GET", "AutoDiscover/AutoDiscover.xml", DomainFileAutodiscover},
	} {
		var body *strings.Reader
		if tc.method == "POST" {
			body = strings.NewReader(`<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>someone@libero.it</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`)
		} else {
			body = strings.NewReader("")
		}
		req, _ := http.NewRequest(tc.method, base+tc.path, body)
		req.Header.Set("Content-Type", "text/xml")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.method, tc.path, err)
		}
		var got bytes.Buffer
		_, _ = got.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(got.Bytes(), files[tc.file].Data) || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/xml") {
			t.Errorf("%s %s: %d %q, %d bytes (want the file)", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), got.Len())
		}
	}
}

func writeSite(t *testing.T) (string, map[string]File) {
	t.Helper()
	files := domainFiles(t, fixtures()["libero"], DomainFilesOptions{})
	var list []File
	for _, f := range files {
		list = append(list, f)
	}
	dir := filepath.Join(t.TempDir(), "site")
	if err := WriteTree(dir, list); err != nil {
		t.Fatal(err)
	}
	return dir, files
}

// TestNginxSnippetServesTheTree runs nginx with the shipped snippet.
func TestNginxSnippetServesTheTree(t *testing.T) {
	nginx := tool(t, "nginx")
	dir, files := writeSite(t)
	port := freePort(t)
	prefix := t.TempDir()
	conf := fmt.Sprintf(`daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    server {
        listen 127.0.0.1:%[2]d;
        root %[3]s;
        include %[3]s/%[4]s;
    }
}
`, prefix, port, dir, DomainFileNginx)
	confPath := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(nginx, "-t", "-p", prefix, "-c", confPath).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	startServer(t, port, filepath.Join(prefix, "error.log"), nginx, "-p", prefix, "-c", confPath)
	checkServed(t, port, files)
}

// TestApacheSnippetServesTheTree runs Apache httpd with the shipped
// snippet.
func TestApacheSnippetServesTheTree(t *testing.T) {
	apache := tool(t, "apache2")
	modules := "/usr/lib/apache2/modules"
	for _, m := range []string{"mod_mpm_event.so", "mod_authz_core.so", "mod_rewrite.so", "mod_mime.so"} {
		if _, err := os.Stat(filepath.Join(modules, m)); err != nil {
			t.Skipf("SKIP: %s not found", m)
		}
	}
	dir, files := writeSite(t)
	port := freePort(t)
	run := t.TempDir()
	conf := fmt.Sprintf(`ServerRoot %[1]s
ServerName 127.0.0.1
DefaultRuntimeDir %[1]s
PidFile %[1]s/httpd.pid
ErrorLog %[1]s/error.log
Mutex file:%[1]s
LoadModule mpm_event_module %[4]s/mod_mpm_event.so
LoadModule authz_core_module %[4]s/mod_authz_core.so
LoadModule rewrite_module %[4]s/mod_rewrite.so
LoadModule mime_module %[4]s/mod_mime.so
TypesConfig %[1]s/mime.types
Listen 127.0.0.1:%[2]d
<VirtualHost 127.0.0.1:%[2]d>
    DocumentRoot %[3]s
    <Directory %[3]s>
        Require all granted
    </Directory>
    Include %[3]s/%[5]s
</VirtualHost>
`, run, port, dir, modules, DomainFileApache)
	// An empty types file: the snippet alone must set the media type.
	if err := os.WriteFile(filepath.Join(run, "mime.types"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	confPath := filepath.Join(run, "httpd.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(apache, "-t", "-f", confPath).CombinedOutput(); err != nil {
		t.Fatalf("apache2 -t: %v\n%s", err, out)
	}
	startServer(t, port, filepath.Join(run, "error.log"), apache, "-X", "-f", confPath)
	checkServed(t, port, files)
}

// TestWriteTreeChangesNothingWhenAFileCannotBeWritten: a folder that
// cannot be made (a file sits where it should be) fails the whole write
// and leaves the files already there untouched, with no temporary file.
func TestWriteTreeChangesNothingWhenAFileCannotBeWritten(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "README.txt"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mail"), []byte("a file where a folder should be"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteTree(dir, []File{
		{Path: "README.txt", Data: []byte("new")},
		{Path: "zz/last.txt", Data: []byte("x")},
		{Path: "mail/config-v1.1.xml", Data: []byte("x")},
	})
	if err == nil {
		t.Fatal("no error")
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "README.txt")); string(data) != "old" {
		t.Errorf("README replaced by a write that failed: %q", data)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), "postino-tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// TestDomainFilesForAnOAuth2OnlyProvider: Microsoft 365 takes only its
// own sign-in. Thunderbird knows how (OAuth2 for office365.com hosts), so
// the autoconfig files are written; Outlook must ask Microsoft, so there
// is no Autodiscover file and no DNS name pointing Outlook at ours, and
// the README says what to keep instead.
func TestDomainFilesForAnOAuth2OnlyProvider(t *testing.T) {
	s := Settings{
		Address: "anna@studio.example", Domain: "studio.example", ProviderName: "Microsoft 365",
		Incoming: mail.Server{Protocol: mail.IMAP, Host: "outlook.office365.com", Port: 993, Security: mail.TLS, Auth: []mail.Auth{mail.AuthOAuth2}},
		Outgoing: mail.Server{Protocol: mail.SMTP, Host: "smtp.office365.com", Port: 587, Security: mail.STARTTLS, Auth: []mail.Auth{mail.AuthOAuth2}},
	}
	files := domainFiles(t, s, DomainFilesOptions{Lang: "en", WebHost: "www.studio.example"})
	if _, ok := files[DomainFileAutodiscover]; ok {
		t.Error("an Autodiscover file for an OAuth2-only provider")
	}
	tb := files[DomainFileAutoconfig].Data
	if err := checkThunderbirdAndroid(tb, s.Address); err != nil {
		t.Errorf("Android: %v", err)
	}
	if _, dropped, err := checkThunderbirdDesktop(tb); err != nil || dropped > 0 {
		t.Errorf("desktop: %v, %d dropped", err, dropped)
	}
	zone := string(files[DomainFileZone].Data)
	if strings.Contains(zone, "autodiscover.studio.example. 3600 IN CNAME") || strings.Contains(zone, "_autodiscover._tcp.studio.example. 3600") {
		t.Errorf("zone points Outlook at our web server:\n%s", zone)
	}
	if !strings.Contains(zone, "autoconfig.studio.example. 3600 IN CNAME www.studio.example.") {
		t.Errorf("autoconfig name missing:\n%s", zone)
	}
	readme := string(files[DomainFileReadme].Data)
	if !strings.Contains(readme, "autodiscover.outlook.com") || strings.Contains(readme, DomainFileAutodiscover) {
		t.Errorf("README:\n%s", readme)
	}
}

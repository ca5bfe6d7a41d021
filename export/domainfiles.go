package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// File is one file of a tree to publish: a slash-separated path relative
// to the tree's root, its content and its permission bits.
type File struct {
	Path string
	Data []byte
	Mode fs.FileMode
}

// DomainFilesOptions tune DomainFiles. The zero value is a sensible
// default.
type DomainFilesOptions struct {
	// Lang is the administrator's language for the README and the
	// comments ("en" or "it"); empty follows the interface language.
	Lang string
	// WebHost is the web server that will serve the files; the DNS
	// snippet points autoconfig.DOMAIN and autodiscover.DOMAIN at it.
	// Empty leaves those records commented out.
	WebHost string
	// DeclareAbsent lists the SRV service labels ("_pop3._tcp",
	// "_submission._tcp", ...) the administrator declares decidedly not
	// offered; they get the RFC 6186 "0 0 0 ." record. A service neither
	// verified nor listed here gets no record at all.
	DeclareAbsent []string
}

// Paths of the domain-files tree, relative to its root.
const (
	DomainFileAutoconfig          = "mail/config-v1.1.xml"
	DomainFileWellKnownAutoconfig = ".well-known/autoconfig/mail/config-v1.1.xml"
	DomainFileAutodiscover        = "autodiscover/autodiscover.xml"
	DomainFileNginx               = "autodiscover/nginx.conf"
	DomainFileApache              = "autodiscover/apache.conf"
	DomainFileZone                = "dns/zone.txt"
	DomainFileReadme              = "README.txt"
)

// DomainFiles returns the tree an administrator copies onto the domain's
// web server (and DNS zone) so every user's mail client configures
// itself: the Thunderbird autoconfig file at both places clients fetch it,
// a domain-wide Outlook Autodiscover answer with the web server snippets
// that serve it, the DNS records and a README in opts.Lang saying what goes
// where and how to check it. s must hold only servers that passed the
// check (detect's Report.DomainSettings); no file names one person.
func DomainFiles(s Settings, opts DomainFilesOptions) ([]File, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	domain := s
	// A file for the whole domain must not carry one person's name.
	domain.DisplayName = ""
	domain.Password = ""
	eopts := Options{Lang: opts.Lang, WebHost: opts.WebHost, DeclareAbsent: opts.DeclareAbsent}
	tb, err := thunderbird(domain, eopts)
	if err != nil {
		return nil, err
	}
	// A provider that takes only OAuth2 (Microsoft 365) answers Outlook
	// itself: no Autodiscover file, and no DNS name pointing Outlook at
	// ours; the README says so. Thunderbird can still use the autoconfig
	// file, for the hosts it has OAuth2 details for.
	ad, err := autodiscoverDomain(domain, eopts)
	oauthOnly := errors.Is(err, ErrOAuthOnly)
	if err != nil && !oauthOnly {
		return nil, err
	}
	eopts.noAutodiscover = oauthOnly
	zone, err := DNS(domain, eopts)
	if err != nil {
		return nil, err
	}
	files := []File{
		{Path: DomainFileAutoconfig, Data: tb, Mode: 0o644},
		{Path: DomainFileWellKnownAutoconfig, Data: tb, Mode: 0o644},
	}
	if !oauthOnly {
		files = append(files, File{Path: DomainFileAutodiscover, Data: ad, Mode: 0o644})
	}
	files = append(files,
		File{Path: DomainFileNginx, Data: nginxSnippet(domain, eopts.lang()), Mode: 0o644},
		File{Path: DomainFileApache, Data: apacheSnippet(domain, eopts.lang()), Mode: 0o644},
		File{Path: DomainFileZone, Data: zone, Mode: 0o644},
		File{Path: DomainFileReadme, Data: domainReadme(domain, opts, ThunderbirdLeftOut(domain), oauthOnly), Mode: 0o644},
	)
	return files, nil
}

// ErrUnsafePath is wrapped when a File's path would leave the tree.
var ErrUnsafePath = errors.New("export: unsafe path in file tree")

// cleanTreePath checks p is a clean, relative, slash-separated path that
// stays inside the tree.
func cleanTreePath(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || strings.ContainsRune(p, 0) || path.Clean(p) != p || p == "." || p == ".." || strings.HasPrefix(p, "../") || !fs.ValidPath(p) {
		return fmt.Errorf("%w: %q", ErrUnsafePath, p)
	}
	return nil
}

// WriteTree writes files under dir, creating dir and the folders the paths
// need, in two steps: every file is first written in full to a temporary
// file next to its place, and only when all of them are written are they
// renamed into place. A failure while writing (a full disk, a folder that
// cannot be created) leaves the tree as it was; a web server reading it
// meanwhile sees each file old or new, never half of one. Files already
// in dir that are not in the list are left alone. Writing goes through
// os.Root, so a symbolic link inside dir cannot carry a file outside it,
// and every path is checked before anything is written.
func WriteTree(dir string, files []File) error {
	seen := map[string]bool{}
	for _, f := range files {
		if err := cleanTreePath(f.Path); err != nil {
			return err
		}
		if seen[f.Path] {
			return fmt.Errorf("%w: %q twice", ErrUnsafePath, f.Path)
		}
		seen[f.Path] = true
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	sorted := append([]File(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	var temps []string
	removeTemps := func() {
		for _, tmp := range temps {
			_ = root.Remove(tmp)
		}
	}
	for _, f := range sorted {
		tmp, err := writeTreeTemp(root, f)
		if err != nil {
			removeTemps()
			return fmt.Errorf("%s: %w", filepath.Join(dir, filepath.FromSlash(f.Path)), err)
		}
		temps = append(temps, tmp)
	}
	for i, f := range sorted {
		if err := root.Rename(temps[i], f.Path); err != nil {
			removeTemps()
			return fmt.Errorf("%s: %w", filepath.Join(dir, filepath.FromSlash(f.Path)), err)
		}
	}
	return nil
}

// writeTreeTemp writes f's data, synced, to a temporary file in f's
// folder and returns its path.
func writeTreeTemp(root *os.Root, f File) (string, error) {
	mode := f.Mode.Perm()
	if mode == 0 {
		mode = 0o644
	}
	if d := path.Dir(f.Path); d != "." {
		if err := root.MkdirAll(d, 0o755); err != nil {
			return "", err
		}
	}
	tmp := path.Join(path.Dir(f.Path), "."+path.Base(f.Path)+".postino-tmp")
	out, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return "", err
	}
	_, werr := out.Write(f.Data)
	if werr == nil {
		werr = out.Sync()
	}
	if cerr := out.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = root.Chmod(tmp, mode) // the umask may have narrowed it
	}
	if werr != nil {
		_ = root.Remove(tmp)
		return "", werr
	}
	return tmp, nil
}

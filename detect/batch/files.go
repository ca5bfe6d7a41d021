package batch

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/export"
	"github.com/postino-mail/postino/export/atomicfile"
)

// maxNameBytes keeps a file name well under the 255-byte limit of every
// common file system once an extension is added.
const maxNameBytes = 180

// SafeName turns an address or domain into a file name that every file
// system accepts and that two different addresses never share: ASCII
// letters and digits and . _ + - @ stay (lowercased, since Windows and
// macOS do not tell case apart), every other byte becomes %XX (so
// Windows' forbidden \ / : * ? " < > | never appear), a leading dot is
// escaped so the file is not hidden, and an overlong name is cut and
// given a hash of the whole.
func SafeName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("._+-@", c) >= 0
		if !ok || (c == '.' && i == 0) {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	if len(out) > maxNameBytes {
		sum := sha256.Sum256([]byte(strings.ToLower(s)))
		out = out[:maxNameBytes-17] + "~" + hex.EncodeToString(sum[:8])
	}
	return out
}

// fileNames maps each format to the name of its file for one user:
// ADDRESS + the format's extension, with the format's name before the
// extension when two formats share it (thunderbird and autodiscover are
// both .xml).
func fileNames(formats []export.Format, base string) map[string]string {
	byExt := map[string]int{}
	for _, f := range export.Formats() {
		byExt[f.Ext]++
	}
	out := map[string]string{}
	for _, f := range formats {
		if byExt[f.Ext] > 1 {
			out[f.Name] = base + "." + f.Name + f.Ext
		} else {
			out[f.Name] = base + f.Ext
		}
	}
	return out
}

// UserDir is the folder of a user's files, relative to the output
// folder (slash-separated).
func UserDir(address string) string { return path.Join("users", SafeName(address)) }

// DomainDir is the folder of a domain's files, relative to the output
// folder (slash-separated).
func DomainDir(domain string) string { return path.Join("domains", SafeName(domain)) }

// writeAtomic writes data to root/rel so that readers see the old file
// or the whole new one, never a part (atomicfile). Without force an existing file is
// kept (see present) and written reports false. (The output folder is
// the batch's own: nothing else writes a user's file between the check
// and the rename.)
//
// With durable the file is synced before it is moved. Per-user files
// are not: a sync per file costs milliseconds each, which for thousands
// of files is most of a batch; Run flushes once at the end instead
// (syncOutput), and a file left empty by a crash before that is not
// "present", so the next run writes it again.
func writeAtomic(root, rel string, data []byte, mode os.FileMode, force, durable bool) (written bool, err error) {
	p := filepath.Join(root, filepath.FromSlash(rel))
	if !force && present(p) {
		return false, nil
	}
	if err := atomicfile.Write(p, data, atomicfile.Options{Mode: mode, NoSync: !durable, MakeDirs: true}); err != nil {
		return false, err
	}
	return true, nil
}

// writeDomainFiles writes the domain-wide tree an administrator
// publishes (export.DomainFiles: autoconfig at both places Thunderbird
// looks, Autodiscover guidance with its server snippets, the DNS records
// and a README in the batch's language) under dir. Only servers that
// passed the check with a verified certificate go in
// (Report.DomainSettings); a domain without such a pair gets no domain
// files, which is not an error for its users' own profiles.
func writeDomainFiles(root, dir string, rep *detect.Report, opts export.Options, force bool) (files []string, err error) {
	ds, err := rep.DomainSettings()
	if errors.Is(err, detect.ErrNotVerifiedForDomain) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	tree, err := export.DomainFiles(ds, export.DomainFilesOptions{Lang: opts.Lang, WebHost: opts.WebHost})
	if err != nil {
		return nil, err
	}
	for _, f := range tree {
		rel := path.Join(dir, f.Path)
		mode := f.Mode
		if mode == 0 {
			mode = 0o644
		}
		if _, err := writeAtomic(root, rel, f.Data, mode, force, true); err != nil {
			return files, err
		}
		files = append(files, rel)
	}
	return files, nil
}

// present reports whether p is a file with something in it: an empty
// one is what a crash can leave of a file whose data never reached the
// disk.
func present(p string) bool {
	fi, err := os.Lstat(p)
	return err == nil && (fi.Size() > 0 || fi.IsDir())
}

// pathJoin joins the output folder and a slash-separated relative path.
func pathJoin(root, rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }

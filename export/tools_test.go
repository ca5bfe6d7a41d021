package export

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tool finds an external checker or skips: .ci/test-deps.sh installs
// them (libxml2-utils, libplist-utils, openssl) on Debian as root.
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("SKIP: %s is not installed (run .ci/test-deps.sh as root to install it)", name)
	}
	return path
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// xmlFormats are the formats whose output is XML.
var xmlFormats = []string{"thunderbird", "autodiscover", "mobileconfig"}

// TestXMLExportsAreWellFormed parses every XML export back token by
// token with encoding/xml, which rejects anything not well-formed.
func TestXMLExportsAreWellFormed(t *testing.T) {
	for name, s := range fixtures() {
		for _, fname := range xmlFormats {
			f, _ := Lookup(fname)
			dec := xml.NewDecoder(bytes.NewReader(must(f.Export(s, Options{}))))
			dec.Strict = true
			for {
				_, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Errorf("%s %s: %v", name, fname, err)
					break
				}
			}
		}
	}
}

func TestXmllintAcceptsXMLExports(t *testing.T) {
	xmllint := tool(t, "xmllint")
	for name, s := range fixtures() {
		for _, fname := range append(xmlFormats, "html") {
			f, _ := Lookup(fname)
			path := writeTemp(t, name+f.Ext, must(f.Export(s, Options{})))
			args := []string{"--noout", "--nonet"}
			if fname == "html" {
				args = append(args, "--html")
			}
			out, err := exec.Command(xmllint, append(args, path)...).CombinedOutput()
			if err != nil || len(out) > 0 {
				t.Errorf("%s %s: xmllint: %v\n%s", name, fname, err, out)
			}
		}
		// The domain files' XML too.
		files, err := DomainFiles(s, DomainFilesOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f.Path, ".xml") {
				path := writeTemp(t, strings.ReplaceAll(f.Path, "/", "_"), f.Data)
				if out, err := exec.Command(xmllint, "--noout", "--nonet", path).CombinedOutput(); err != nil || len(out) > 0 {
					t.Errorf("%s %s: xmllint: %v\n%s", name, f.Path, err, out)
				}
			}
		}
	}
}

// TestPlistutilReadsTheEncryptedProfile: the encrypted profile is a
// property list plistutil reads, with the envelope as data.
func TestPlistutilReadsTheEncryptedProfile(t *testing.T) {
	plistutil := tool(t, "plistutil")
	cert, _ := deviceCert(t, time.Now().Add(time.Hour))
	path := writeTemp(t, "enc.mobileconfig", must(MobileConfig(fixtures()["libero"], Options{EncryptTo: cert, IncludePassword: true})))
	if out, err := exec.Command(plistutil, "-i", path, "-f", "bin", "-o", path+".bin").CombinedOutput(); err != nil {
		t.Fatalf("plistutil: %v\n%s", err, out)
	}
	bin, err := os.ReadFile(path + ".bin")
	if err != nil {
		t.Fatal(err)
	}
	if err := checkAppleMailProfile(bin, nil); err != nil {
		t.Error(err)
	}
}

func TestPlistutilReadsTheProfile(t *testing.T) {
	plistutil := tool(t, "plistutil")
	for name, s := range fixtures() {
		path := writeTemp(t, name+".mobileconfig", must(MobileConfig(s, Options{IncludePassword: true})))
		out, err := exec.Command(plistutil, "-i", path, "-f", "bin", "-o", path+".bin").CombinedOutput()
		if err != nil {
			t.Errorf("%s: plistutil: %v\n%s", name, err, out)
			continue
		}
		// Converting to binary and reading that back with our decoder
		// proves plistutil understood every key and value type.
		bin, err := os.ReadFile(path + ".bin")
		if err != nil {
			t.Fatal(err)
		}
		p := decodeProfile(t, bin)
		if p.PayloadContent[0].EmailAddress != s.Address || p.PayloadContent[0].IncomingMailServerPortNumber != s.Incoming.Port {
			t.Errorf("%s: after plistutil: %+v", name, p.PayloadContent[0])
		}
	}
}

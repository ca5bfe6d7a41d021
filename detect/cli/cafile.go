package cli

import (
	"flag"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/network"
)

// EnvCAFile names the environment variable that, like --ca-file, adds a
// CA to trust (for scripts and software deployment that set it once).
const EnvCAFile = network.EnvCAFile

func addCAFileFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "ca-file", "", i18n.T("release.cli.flag.ca_file"))
}

// trustCAFile adds the CA certificates of --ca-file (else
// $POSTINO_CA_FILE) to what nw trusts. SSL_CERT_FILE does the same only
// on Linux; on Windows and macOS Go asks the system store, so a company
// CA needs this. A file that cannot be read or holds no certificate is
// a usageError: checking without the CA the person asked for would
// report every server as untrusted.
func trustCAFile(env *Env, nw *network.Network, flagValue string) error {
	if flagValue == "" {
		flagValue = env.Getenv(EnvCAFile)
	}
	if err := nw.TrustCAFile(flagValue); err != nil {
		return usageError(i18n.T("release.cli.error.ca_file", map[string]any{"Error": err.Error()}))
	}
	return nil
}

// networkWithCA is main's network with the DNS server of --dns and the
// CA file of --ca-file (else $POSTINO_CA_FILE) applied, on a copy.
func (env *Env) networkWithCA(dns, caFile string) (*network.Network, error) {
	nw, err := env.networkFor(dns)
	if err != nil {
		return nil, err
	}
	c := *nw
	if err := trustCAFile(env, &c, caFile); err != nil {
		return nil, err
	}
	return &c, nil
}

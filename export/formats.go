package export

// Format describes one export format for the command line and the GUI.
type Format struct {
	// Name is the --format value.
	Name string
	// Ext is the usual file name extension, with its dot.
	Ext string
	// MediaType is the MIME type to serve or attach the file with.
	MediaType string
	// Password is true when the format can carry the password
	// (Options.IncludePassword); the others never do.
	Password bool
	// Signable is true when Options.Signer applies.
	Signable bool
	// Localized is true when Options.Lang changes the output.
	Localized bool
	// Export produces the file.
	Export func(Settings, Options) ([]byte, error)
}

// Formats lists every format, in the order menus show them.
func Formats() []Format {
	return []Format{
		{Name: "thunderbird", Ext: ".xml", MediaType: "application/xml", Export: Thunderbird},
		{Name: "mobileconfig", Ext: ".mobileconfig", MediaType: "application/x-apple-aspen-config", Password: true, Signable: true, Localized: true, Export: MobileConfig},
		{Name: "text", Ext: ".txt", MediaType: "text/plain; charset=utf-8", Localized: true, Export: Text},
		{Name: "markdown", Ext: ".md", MediaType: "text/markdown; charset=utf-8", Localized: true, Export: Markdown},
		{Name: "html", Ext: ".html", MediaType: "text/html; charset=utf-8", Localized: true, Export: HTML},
		{Name: "autodiscover", Ext: ".xml", MediaType: "application/xml", Export: Autodiscover},
		{Name: "dns", Ext: ".zone", MediaType: "text/dns", Localized: true, Export: DNS},
		{Name: "json", Ext: ".json", MediaType: "application/json", Export: JSON},
	}
}

// Lookup finds a format by name.
func Lookup(name string) (Format, bool) {
	for _, f := range Formats() {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

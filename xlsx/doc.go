// Package xlsx owns opening untrusted .xlsx files within limits: it is the
// one place excelize.OpenReader is called on bytes from outside (members'
// uploads, their annotated copies, SMHI's and SCB's downloads). It also
// owns how the workbooks the service writes print and read on screen
// (layout.go: SetLayout, A4 landscape one page wide, header rows frozen and
// repeated, a footer with source, date and page).
//
// Open reads the zip with archive/zip, keeps only the parts the caller
// needs (those the package's relationships lead to through the kinds a
// Need names), inflates each once through a counter of its real bytes (the
// total, a part's and the compression ratio's caps) and an XML guard
// (no DOCTYPE or entities, bounded nesting, cells per row and token
// length, and elements in parts decoded whole), and hands excelize a new
// zip of those parts alone. Every refusal is a *klimatrapport.Error of kind
// Invalid or TooLarge with a Swedish message and a stable code (CodeOf).
//
// The files: open.go (Open, the counter), entries.go (the cap on a zip's
// entries, checked before archive/zip allocates them), parts.go (which
// parts are kept), guard.go (the XML guard), limits.go and refusal.go (the
// codes and their messages).
package xlsx

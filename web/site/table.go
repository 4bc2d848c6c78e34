package site

// Table is a table of figures or text, rendered by the "table" template
// (templates/table.html) with its caption and the notes under it.
type Table struct {
	ID      string
	Caption string
	Head    []Cell
	Rows    [][]Cell // the first cell of each row is its header
	Notes   []string
}

// Cell is one table cell.
type Cell struct {
	Text     string
	Num      bool   // right-aligned, tabular figures
	Estimate bool   // an estimate: shown differently and labelled
	Href     string // a link
	Sort     string // header: "ascending" or "descending" when the table is sorted by it
	Class    string
}

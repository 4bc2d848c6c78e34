package xlsx

import "bytes"

// The XML guard's limits. Excel writes none of what they refuse: it never
// declares a DOCTYPE or entities, nests a few levels deep, writes at most
// 16 384 columns and 32 767 characters in a cell.
const (
	maxDepth       = 128
	maxCellsPerRow = 16384
	maxToken       = 1 << 20 // bytes of one text run, tag, comment or instruction
)

// guard scans a part's XML as it streams past, with memory that does not
// grow with the input: it keeps counters and at most a short element name,
// never a token. It refuses what would make a decoder hold or expand much
// more than the part's size: DOCTYPE and ENTITY declarations (entity
// expansion), deep nesting, a row with more cells than Excel has columns,
// a token longer than maxToken and, when their caps are set, too many
// elements (a part excelize decodes whole) or of the one element counted
// (shared strings, each about 140 bytes of excelize's heap however short;
// sheets, each opened in turn).
//
// It is not a validating parser: what it lets through still goes to
// encoding/xml, which rejects malformed XML.
type guard struct {
	maxElements int // 0: no limit
	// one element counted against a cap of its own (the shared strings'
	// si, the workbook's sheet): name, cap and the refusal over it
	counted    []byte
	maxCounted int
	overCount  func(limit int) error

	state    guardState
	quote    byte // the quote an attribute value opened, in stateTag
	tail     []byte
	name     []byte // the element name being read, up to 32 bytes
	naming   bool   // still reading the name of the tag
	closing  bool   // the tag is an end tag
	lastByte byte   // the last byte of the tag before '>', outside quotes
	run      int    // bytes in the current token
	depth    int
	elements int
	count    int
	inRow    bool
	cells    int
}

type guardState int

const (
	stateText    guardState = iota
	stateOpen               // after '<'
	stateTag                // in a start or end tag
	stateBang               // after "<!"
	stateComment            // in <!-- -->
	stateCDATA              // in <![CDATA[ ]]>
	statePI                 // in <? ?>
)

// Write scans the next bytes of the part; its error is a *kr.Error with
// the refusal's code. Text, quoted values and the attributes of a tag are
// skipped with a byte search; only markup is read byte by byte.
func (g *guard) Write(b []byte) (int, error) {
	for i := 0; i < len(b); {
		if j := g.skip(b[i:]); j > 0 {
			g.run += j
			if g.run > maxToken {
				return i, refuse(CodeToken)
			}
			i += j
			continue
		}
		if err := g.step(b[i]); err != nil {
			return i, err
		}
		i++
	}
	return len(b), nil
}

// skip is how many of the bytes ahead cannot change the state: text up to
// the next '<', a quoted value up to its quote, attributes up to the next
// quote or '>'.
func (g *guard) skip(b []byte) int {
	var j int
	switch {
	case g.state == stateText:
		j = bytes.IndexByte(b, '<')
	case g.state != stateTag || g.naming:
		return 0
	case g.quote != 0:
		j = bytes.IndexByte(b, g.quote)
	default:
		j = indexMarkup(b)
		if j > 0 {
			g.lastByte = b[j-1]
		}
	}
	if j < 0 {
		j = len(b)
		if g.state == stateTag && g.quote == 0 {
			g.lastByte = b[j-1]
		}
	}
	return j
}

func (g *guard) step(c byte) error {
	g.run++
	if g.run > maxToken {
		return refuse(CodeToken)
	}
	switch g.state {
	case stateText:
		if c == '<' {
			g.state, g.run = stateOpen, 0
		}
	case stateOpen:
		switch c {
		case '!':
			g.state, g.tail = stateBang, g.tail[:0]
		case '?':
			g.state, g.tail = statePI, g.tail[:0]
		default:
			g.state, g.name, g.naming, g.closing, g.quote = stateTag, g.name[:0], true, c == '/', 0
			if !g.closing {
				g.name = append(g.name, c)
			}
		}
	case stateTag:
		return g.tagByte(c)
	case stateBang:
		g.tail = append(g.tail, c)
		switch {
		case bytes.Equal(g.tail, []byte("--")):
			g.state, g.tail = stateComment, g.tail[:0]
		case bytes.Equal(g.tail, []byte("[CDATA[")):
			g.state, g.tail, g.run = stateCDATA, g.tail[:0], 0
		case !bytes.HasPrefix([]byte("--"), g.tail) && !bytes.HasPrefix([]byte("[CDATA["), g.tail):
			return refuse(CodeEntity) // <!DOCTYPE, <!ENTITY, <!ELEMENT …
		}
	case stateComment:
		g.state = g.until(c, "-->", stateComment)
	case stateCDATA:
		g.state = g.until(c, "]]>", stateCDATA)
	case statePI:
		g.state = g.until(c, "?>", statePI)
	}
	return nil
}

// until keeps the last bytes read in an open construct and leaves it for
// text once they are its terminator.
func (g *guard) until(c byte, end string, in guardState) guardState {
	g.tail = append(g.tail, c)
	if len(g.tail) > len(end) {
		g.tail = append(g.tail[:0], g.tail[len(g.tail)-len(end):]...)
	}
	if string(g.tail) == end {
		g.tail, g.run = g.tail[:0], 0
		return stateText
	}
	return in
}

// tagByte reads one byte of a start or end tag.
func (g *guard) tagByte(c byte) error {
	if g.quote != 0 {
		if c == g.quote {
			g.quote = 0
		}
		g.lastByte = c
		return nil
	}
	switch c {
	case '"', '\'':
		g.quote, g.naming = c, false
	case '>':
		g.state, g.run = stateText, 0
		return g.endTag()
	case ' ', '\t', '\r', '\n', '/':
		if g.naming && len(g.name) > 0 || c != '/' {
			g.naming = false
		}
	default:
		if g.naming && len(g.name) < 32 {
			g.name = append(g.name, c)
		}
	}
	g.lastByte = c
	return nil
}

// endTag counts the tag just closed by '>'.
func (g *guard) endTag() error {
	if g.closing {
		g.depth = max(0, g.depth-1)
		if bytes.Equal(localName(g.name), []byte("row")) {
			g.inRow = false
		}
		return nil
	}
	g.elements++
	if g.maxElements > 0 && g.elements > g.maxElements {
		return tooManyElements(g.maxElements)
	}
	switch local := localName(g.name); {
	case bytes.Equal(local, []byte("row")):
		g.inRow, g.cells = g.lastByte != '/', 0
	case g.counted != nil && bytes.Equal(local, g.counted):
		g.count++
		if g.count > g.maxCounted {
			return g.overCount(g.maxCounted)
		}
	case g.inRow && bytes.Equal(local, []byte("c")):
		g.cells++
		if g.cells > maxCellsPerRow {
			return refuse(CodeCells)
		}
	}
	if g.lastByte == '/' {
		return nil
	}
	g.depth++
	if g.depth > maxDepth {
		return refuse(CodeNesting)
	}
	return nil
}

// indexMarkup is the index of the next quote or '>', or -1: attributes
// are short, so a plain loop beats a set search's setup.
func indexMarkup(b []byte) int {
	for i, c := range b {
		if c == '"' || c == '\'' || c == '>' {
			return i
		}
	}
	return -1
}

// localName is an element name without its namespace prefix.
func localName(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

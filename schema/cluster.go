package schema

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Options change how migrations run.
type Options struct {
	// Cluster, when not empty, names a ClickHouse cluster (a <remote_servers>
	// entry on every server). Every DDL statement then runs ON CLUSTER and
	// every MergeTree-family table becomes its Replicated… twin, its parts
	// kept in sync through ClickHouse Keeper (see OnCluster). Empty: the
	// statements run as written, on the one server or chDB.
	Cluster string
}

// ReplicaPath and ReplicaName are the arguments given to Replicated…MergeTree
// engines: macros that each server expands from its <macros> section
// ({shard}, {replica}) and from the table itself ({database}, {table}).
const (
	ReplicaPath = "/clickhouse/tables/{shard}/{database}/{table}"
	ReplicaName = "{replica}"
)

var (
	// The head of the DDL statements OnCluster knows: the ON CLUSTER clause
	// goes right after the (possibly qualified, possibly quoted) name.
	nameRe          = `(?:` + "`[^`]+`" + `|[A-Za-z_][A-Za-z0-9_]*)(?:\.(?:` + "`[^`]+`" + `|[A-Za-z_][A-Za-z0-9_]*))?`
	createTableRe   = regexp.MustCompile(`(?is)^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?` + nameRe)
	createDBRe      = regexp.MustCompile(`(?is)^\s*CREATE\s+DATABASE\s+(?:IF\s+NOT\s+EXISTS\s+)?` + nameRe)
	createViewRe    = regexp.MustCompile(`(?is)^\s*CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?` + nameRe)
	alterTableRe    = regexp.MustCompile(`(?is)^\s*ALTER\s+TABLE\s+` + nameRe)
	dropRe          = regexp.MustCompile(`(?is)^\s*DROP\s+(?:TABLE|VIEW|DATABASE)\s+(?:IF\s+EXISTS\s+)?` + nameRe)
	truncateRe      = regexp.MustCompile(`(?is)^\s*TRUNCATE\s+(?:TABLE\s+)?(?:IF\s+EXISTS\s+)?` + nameRe)
	insertRe        = regexp.MustCompile(`(?is)^\s*INSERT\s+INTO\s`)
	onClusterRe     = regexp.MustCompile(`(?is)\sON\s+CLUSTER\s`)
	engineRe        = regexp.MustCompile(`(?is)\bENGINE\s*=\s*([A-Za-z]*MergeTree)\b(\s*\(([^()]*)\))?`)
	anyEngineRe     = regexp.MustCompile(`(?is)\bENGINE\s*=\s*([A-Za-z0-9_]+)`)
	materializedRe  = regexp.MustCompile(`(?is)^\s*CREATE\s+MATERIALIZED\s+VIEW`)
	createTableAsRe = regexp.MustCompile(`(?is)^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?` + nameRe + `\s+AS\s`)
)

// OnCluster rewrites one migration statement to run on every server of
// cluster:
//
//   - CREATE TABLE t (…) ENGINE = XMergeTree(args) … becomes
//     CREATE TABLE t ON CLUSTER c (…) ENGINE = ReplicatedXMergeTree(
//     '/clickhouse/tables/{shard}/{database}/{table}', '{replica}'[, args]) …;
//     a table of any other engine is refused, since it would not replicate;
//   - CREATE DATABASE, CREATE VIEW, ALTER TABLE, DROP and TRUNCATE get
//     ON CLUSTER c after their name;
//   - INSERT is left alone: inserted into one replica, rows reach the others;
//   - anything else is refused, so that no DDL silently runs on one server.
//
// Nothing else in the statement changes. A statement that already says
// ON CLUSTER or already uses a Replicated engine is refused too: migrations
// are written for one server and OnCluster alone decides about clusters.
func OnCluster(stmt, cluster string) (string, error) {
	if !storage.IsIdent(cluster) {
		return "", fmt.Errorf("schema: invalid cluster name %q", cluster)
	}
	if onClusterRe.MatchString(stmt) {
		return "", fmt.Errorf("schema: statement already has ON CLUSTER: %s", head(stmt))
	}
	on := " ON CLUSTER " + cluster
	switch {
	case insertRe.MatchString(stmt):
		return stmt, nil
	case materializedRe.MatchString(stmt):
		return "", fmt.Errorf("schema: materialized views are not supported on a cluster: %s", head(stmt))
	case createTableRe.MatchString(stmt):
		if createTableAsRe.MatchString(stmt) {
			return "", fmt.Errorf("schema: CREATE TABLE … AS is not supported on a cluster: %s", head(stmt))
		}
		loc := createTableRe.FindStringIndex(stmt)
		out := stmt[:loc[1]] + on + stmt[loc[1]:]
		return replicate(out)
	case createDBRe.MatchString(stmt), createViewRe.MatchString(stmt), alterTableRe.MatchString(stmt),
		dropRe.MatchString(stmt), truncateRe.MatchString(stmt):
		for _, re := range []*regexp.Regexp{createDBRe, createViewRe, alterTableRe, dropRe, truncateRe} {
			if loc := re.FindStringIndex(stmt); loc != nil {
				return stmt[:loc[1]] + on + stmt[loc[1]:], nil
			}
		}
	}
	return "", fmt.Errorf("schema: cannot run this statement on a cluster (OnCluster knows CREATE TABLE/DATABASE/VIEW, ALTER, DROP, TRUNCATE, INSERT): %s", head(stmt))
}

// replicate swaps a CREATE TABLE's MergeTree-family engine for its
// Replicated twin.
func replicate(stmt string) (string, error) {
	m := engineRe.FindStringSubmatchIndex(stmt)
	if m == nil {
		name := "none"
		if e := anyEngineRe.FindStringSubmatch(stmt); e != nil {
			name = e[1]
		}
		return "", fmt.Errorf("schema: table engine %s does not replicate; only MergeTree-family tables can run on a cluster: %s", name, head(stmt))
	}
	engine := stmt[m[2]:m[3]]
	if strings.HasPrefix(strings.ToLower(engine), "replicated") {
		return "", fmt.Errorf("schema: statement already uses %s: %s", engine, head(stmt))
	}
	args := "'" + ReplicaPath + "', '" + ReplicaName + "'"
	if m[6] >= 0 {
		if a := strings.TrimSpace(stmt[m[6]:m[7]]); a != "" {
			args += ", " + a
		}
	}
	return stmt[:m[0]] + "ENGINE = Replicated" + engine + "(" + args + ")" + stmt[m[1]:], nil
}

// head is the start of a statement, for messages.
func head(stmt string) string {
	s := strings.Join(strings.Fields(stmt), " ")
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}

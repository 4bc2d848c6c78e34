// Package clustersuite holds the cluster test suite: the service against a
// real replicated ClickHouse (two 18.16 replicas and ZooKeeper, started by
// scripts/cluster.sh; `make test-cluster`). The tests run only when
// KLIMATRAPPORT_TEST_CLUSTER names the cluster's DSNs — "BOTH R1 R2": a DSN
// naming both replicas, then one per replica — and are skipped otherwise
// (they fail instead with KLIMATRAPPORT_TEST_REQUIRE_CLUSTER=1, as in CI).
package clustersuite

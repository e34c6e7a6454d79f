"""A client (OpenSSL, through Python's ssl) that trusts two sims' CA files at once reaches
both: each CA has its own name and the server certificates name their CA's key (AKI)."""

import shutil
import ssl
import urllib.request

from conftest import new_folder, start_sim, stop_sim


def test_two_sims_trusted_at_once(sim):
    folder, _ = new_folder()
    proc, other = start_sim(folder)
    try:
        ctx = ssl.create_default_context(cafile=sim.ca_file)
        ctx.load_verify_locations(cafile=other["ca_file"])
        for authority in (sim.authority, other["authority"]):
            with urllib.request.urlopen(f"{authority}/_sim/stats", context=ctx) as r:
                assert r.status == 200
        subjects = [str(c["subject"]) for c in ctx.get_ca_certs()]
        assert len(set(subjects)) == 2, subjects
    finally:
        stop_sim(proc)
        shutil.rmtree(folder, ignore_errors=True)

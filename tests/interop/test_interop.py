"""test_interop.py - a real third-party SOAP client (python3-zeep) against a running hub.

Started by scripts/run-tests, which gives it the hub binary (EOS_TEST_BUILD) and the test
database; this script starts its own hub on a free port, loads ?wsdl from it, checks that
every operation of CONTRACT.md is there, calls GetServiceInfo, and checks that a wrong
password is answered AUTH_FAILED. Exit status 0 when every check held.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import unittest

import zeep
import zeep.exceptions
from zeep.wsse.username import UsernameToken

CONTRACT_OPERATIONS = {
    "GetServiceInfo",
    "GetCatalog", "SubmitOrder", "SubmitOrderDocument", "GetOrderStatus", "ListOrders",
    "CancelOrder", "RequestOrderChange", "SubmitReturn", "GetReturnStatus",
    "ListAccountDocuments", "ConfirmAccountDocument", "GetAccountBalance", "GetAccountStatement",
    "DownloadOrders", "AcknowledgeOrders", "UpdateOrderStatus", "DecideOrderChange",
    "RecordShipment", "RecordInvoice", "RecordPayment", "GetOrderDocument", "DownloadReturns",
    "AcknowledgeReturns", "ProcessReturn", "UpsertProducts", "SetPrices", "PublishProducts",
    "UpdateStock", "SetCreditLimit",
}
NS = "{urn:eoshub:v1}"
PASSWORD = os.environ.get("EOS_DEMO_PASSWORD") or "demo-pass"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    """An eos-hub process on a free port, stopped with SIGTERM."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/eos"
        env = dict(os.environ, EOS_PORT=str(self.port), EOS_ALLOW_PLAINTEXT_AUTH="1",
                   EOS_THREADS="4")
        self.log = log = open(os.path.join(os.environ["EOS_TEST_VAR"], "interop.log"), "w")
        self.proc = subprocess.Popen([os.path.join(os.environ["EOS_TEST_BUILD"], "eos-hub")],
                                     env=env, stderr=log, stdout=log)
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("eos-hub did not start")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        status = self.proc.wait(timeout=30)
        self.log.close()
        return status


def fault_code(fault):
    """The <eos:error><code> of a zeep Fault."""
    detail = fault.detail
    code = detail.find(f"{NS}error/{NS}code") if detail is not None else None
    return code.text if code is not None else None


class Interop(unittest.TestCase):
    hub = None

    @classmethod
    def setUpClass(cls):
        cls.hub = Hub()

    @classmethod
    def tearDownClass(cls):
        assert cls.hub.stop() == 0, "eos-hub did not exit cleanly"

    def client(self, user=None, password=None):
        wsse = UsernameToken(user, password) if user else None
        return zeep.Client(self.hub.url + "?wsdl", wsse=wsse)

    def test_wsdl_has_every_contract_operation(self):
        client = self.client()
        binding = client.service._binding
        self.assertEqual(set(binding._operations), CONTRACT_OPERATIONS)
        self.assertEqual(client.service._binding_options["address"], self.hub.url)

    def test_get_service_info(self):
        info = self.client().service.GetServiceInfo()
        self.assertEqual(info.contractVersion, "1")
        self.assertTrue(info.serviceVersion)

    def test_wrong_password_is_auth_failed(self):
        client = self.client("buyer1", "wrong-password")
        with self.assertRaises(zeep.exceptions.Fault) as caught:
            client.service.ListOrders()
        self.assertEqual(fault_code(caught.exception), "AUTH_FAILED")


if __name__ == "__main__":
    result = unittest.main(verbosity=2, exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)

"""The stand-in provider process. tfcheck.py starts one per provider and Terraform attaches to
it (attached.py: no client certificate, plain gRPC on 127.0.0.1); Terraform can also start it
itself from the filesystem mirror, as a provider it installed.

go-plugin handshake when Terraform starts it: Terraform sets TF_PLUGIN_MAGIC_COOKIE and, for
AutoMTLS, PLUGIN_CLIENT_CERT (its client certificate, PEM). We make a self-signed server
certificate, serve gRPC on 127.0.0.1 with TLS, and print one line on stdout:
`1|6|tcp|127.0.0.1:<port>|grpc|<server cert, DER, base64 without padding>`.
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
import json
import os
import pathlib
import sys
import threading
from concurrent import futures

import grpc
import msgpack
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import plan  # noqa: E402
import rules  # noqa: E402
from protocol import MAGIC_COOKIE, load  # noqa: E402

pb, health_pb = load()


def certificate() -> tuple[bytes, bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "HashiCorp"),
            x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=6))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_encipherment=True,
                key_cert_sign=True,
                content_commitment=False,
                data_encipherment=False,
                key_agreement=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [x509.oid.ExtendedKeyUsageOID.SERVER_AUTH, x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (
        key_pem,
        cert.public_bytes(serialization.Encoding.PEM),
        cert.public_bytes(serialization.Encoding.DER),
    )


def decode(value) -> object:
    if value.msgpack:
        return msgpack.unpackb(
            value.msgpack, raw=False, ext_hook=lambda code, data: msgpack.ExtType(code, data)
        )
    return json.loads(value.json) if value.json else None


def encode(obj) -> object:
    return pb.DynamicValue(msgpack=msgpack.packb(obj, use_bin_type=True))


def diagnostics(problems):
    out = []
    for summary, detail, path in problems:
        d = pb.Diagnostic(severity=pb.Diagnostic.ERROR, summary=summary, detail=detail)
        for step in path:
            d.attribute.steps.add(attribute_name=step)
        out.append(d)
    return out


class Provider:
    def __init__(self, name: str):
        build = HERE.parent.parent / "build" / "standin"
        self.name = name
        self.schema_bytes = (build / f"{name}.schema.pb").read_bytes()
        self.model = json.loads((build / f"{name}.model.json").read_text())
        self.region = "us-east-1"

    def handlers(self):
        def unary(method, request_type, response_type=None, raw=False):
            return grpc.unary_unary_rpc_method_handler(
                method,
                request_deserializer=request_type.FromString,
                response_serializer=(lambda b: b) if raw else (lambda m: m.SerializeToString()),
            )

        P = pb
        methods = {
            "GetProviderSchema": unary(
                lambda req, ctx: self.schema_bytes, P.GetProviderSchema.Request, raw=True
            ),
            "ValidateProviderConfig": unary(
                lambda req, ctx: P.ValidateProviderConfig.Response(),
                P.ValidateProviderConfig.Request,
            ),
            "ValidateResourceConfig": unary(
                self.validate_resource, P.ValidateResourceConfig.Request
            ),
            "ValidateDataResourceConfig": unary(
                self.validate_data, P.ValidateDataResourceConfig.Request
            ),
            "UpgradeResourceState": unary(
                lambda req, ctx: P.UpgradeResourceState.Response(
                    upgraded_state=P.DynamicValue(json=req.raw_state.json)
                ),
                P.UpgradeResourceState.Request,
            ),
            "ConfigureProvider": unary(self.configure, P.ConfigureProvider.Request),
            "ReadResource": unary(
                lambda req, ctx: P.ReadResource.Response(
                    new_state=req.current_state, private=req.private
                ),
                P.ReadResource.Request,
            ),
            "PlanResourceChange": unary(self.plan_resource, P.PlanResourceChange.Request),
            "ApplyResourceChange": unary(self.apply_resource, P.ApplyResourceChange.Request),
            "ReadDataSource": unary(self.read_data, P.ReadDataSource.Request),
            "StopProvider": unary(
                lambda req, ctx: P.StopProvider.Response(), P.StopProvider.Request
            ),
        }
        health = grpc.method_handlers_generic_handler(
            "grpc.health.v1.Health",
            {
                "Check": grpc.unary_unary_rpc_method_handler(
                    lambda req, ctx: health_pb.HealthCheckResponse(
                        status=health_pb.HealthCheckResponse.SERVING
                    ),
                    request_deserializer=health_pb.HealthCheckRequest.FromString,
                    response_serializer=lambda m: m.SerializeToString(),
                ),
            },
        )
        # go-plugin's controller: Shutdown (an empty message both ways) lets Terraform end us at
        # once instead of waiting 2 s and killing the process.
        controller = grpc.method_handlers_generic_handler(
            "plugin.GRPCController",
            {
                "Shutdown": grpc.unary_unary_rpc_method_handler(
                    self.shutdown, request_deserializer=lambda b: b, response_serializer=lambda b: b
                ),
            },
        )
        return [
            grpc.method_handlers_generic_handler("tfplugin6.Provider", methods),
            health,
            controller,
        ]

    def shutdown(self, request, ctx):
        threading.Timer(0.05, lambda: os._exit(0)).start()
        return b""

    def configure(self, req, ctx):
        config = decode(req.config) or {}
        region = config.get("region")
        if isinstance(region, str):
            self.region = region
        return pb.ConfigureProvider.Response()

    def validate_resource(self, req, ctx):
        problems = rules.check(req.type_name, decode(req.config))
        return pb.ValidateResourceConfig.Response(diagnostics=diagnostics(problems))

    def validate_data(self, req, ctx):
        problems = rules.check_data(req.type_name, decode(req.config))
        return pb.ValidateDataResourceConfig.Response(diagnostics=diagnostics(problems))

    def plan_resource(self, req, ctx):
        proposed = decode(req.proposed_new_state)
        if proposed is None:
            return pb.PlanResourceChange.Response(planned_state=req.proposed_new_state)
        planned = plan.plan_object(
            self.model["resource"][req.type_name], proposed, decode(req.prior_state)
        )
        return pb.PlanResourceChange.Response(planned_state=encode(planned))

    def apply_resource(self, req, ctx):
        return pb.ApplyResourceChange.Response(
            diagnostics=diagnostics(
                [
                    (
                        "The offline stand-in provider cannot apply",
                        "This hashicorp/aws is the test stand-in from .ci/standin: it only plans.",
                        [],
                    )
                ]
            )
        )

    def read_data(self, req, ctx):
        config = decode(req.config)
        state, problems = plan.read_data(
            self.name, req.type_name, self.model["data"][req.type_name], config, region=self.region
        )
        return pb.ReadDataSource.Response(state=encode(state), diagnostics=diagnostics(problems))


def main() -> int:
    if os.environ.get("TF_PLUGIN_MAGIC_COOKIE") != MAGIC_COOKIE:
        print(
            "This is a Terraform plugin (the offline stand-in); Terraform starts it.",
            file=sys.stderr,
        )
        return 1
    provider = Provider(sys.argv[1])
    key_pem, cert_pem, cert_der = certificate()
    client_cert = os.environ.get("PLUGIN_CLIENT_CERT", "").encode()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), handlers=provider.handlers())
    if client_cert:
        # Terraform pins the certificate we print. It cannot prove itself back: its AutoMTLS client
        # key is ECDSA P-521, which gRPC's BoringSSL does not accept in a TLS handshake
        # (PEER_DID_NOT_RETURN_A_CERTIFICATE), so the server does not ask for a client certificate.
        credentials = grpc.ssl_server_credentials([(key_pem, cert_pem)], require_client_auth=False)
        port = server.add_secure_port("127.0.0.1:0", credentials)
        cert_field = base64.b64encode(cert_der).decode().rstrip("=")
    else:
        port = server.add_insecure_port("127.0.0.1:0")
        cert_field = ""
    server.start()
    print(f"1|6|tcp|127.0.0.1:{port}|grpc|{cert_field}", flush=True)
    server.wait_for_termination()
    return 0


if __name__ == "__main__":
    sys.exit(main())

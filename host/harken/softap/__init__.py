"""The SoftAP setup client of Photon and P1 devices (TCP port 5609 or HTTP port 80).

:class:`~harken.softap.client.SoftApClient` sends single commands;
:func:`~harken.softap.setup_flow.run_setup` runs the whole set-up and verifies the join.
"""

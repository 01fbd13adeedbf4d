"""nc-py-api against a running Ferry: every call the issue names, with real assertions.

Run by crates/ferry/tests/it/clients/nc_py_api.rs with NEXTCLOUD_URL, NC_USER, NC_PASS.
"""

import io
import os
import sys

from nc_py_api import Nextcloud


def check(name, condition, detail=""):
    if not condition:
        print(f"FAILED: {name} {detail}", flush=True)
        sys.exit(1)
    print(f"ok: {name}", flush=True)


def main():
    nc = Nextcloud(
        nextcloud_url=os.environ["NEXTCLOUD_URL"],
        nc_auth_user=os.environ["NC_USER"],
        nc_auth_pass=os.environ["NC_PASS"],
    )
    caps = nc.capabilities
    check("capabilities", "files" in caps and caps["files"].get("versioning") is True, str(caps)[:300])
    check("server version", nc.srv_version["major"] >= 26, str(nc.srv_version))
    check("current user", nc.user == os.environ["NC_USER"], nc.user)
    me = nc.users.get_user(os.environ["NC_USER"])
    check("users.get_user (self)", me.user_id == os.environ["NC_USER"], str(me))
    groups = nc.users_groups.get_list()
    check("users_groups.get_list (own groups)", isinstance(groups, list), str(groups))

    nc.files.mkdir("pyapi")
    nc.files.makedirs("pyapi/nested/deeper", exist_ok=True)
    listed = [f.name for f in nc.files.listdir("pyapi")]
    check("mkdir and listdir", "nested" in listed, str(listed))

    payload = b"hello from nc-py-api\n" * 100
    nc.files.upload("pyapi/hello.txt", payload)
    check("upload and download", nc.files.download("pyapi/hello.txt") == payload)

    big = os.urandom(12 * 1024 * 1024 + 123)
    nc.files.upload_stream("pyapi/big.bin", io.BytesIO(big), chunk_size=5 * 1024 * 1024)
    check("upload_stream (chunked v2)", nc.files.download("pyapi/big.bin") == big)

    node = nc.files.by_path("pyapi/hello.txt")
    check("by_path", node.info.size == len(payload), str(node.info))

    moved = nc.files.move("pyapi/hello.txt", "pyapi/nested/hello-moved.txt")
    check("move", moved.user_path.endswith("pyapi/nested/hello-moved.txt"), moved.user_path)
    copied = nc.files.copy("pyapi/nested/hello-moved.txt", "pyapi/hello-copy.txt")
    check("copy", nc.files.download(copied) == payload)

    nc.files.upload("pyapi/hello-copy.txt", b"second version")
    versions = nc.files.get_versions(nc.files.by_path("pyapi/hello-copy.txt"))
    check("versions list", len(versions) >= 1, str(versions))

    nc.files.delete("pyapi/hello-copy.txt")
    names = [f.name for f in nc.files.listdir("pyapi")]
    check("delete", "hello-copy.txt" not in names, str(names))
    trash = nc.files.trashbin_list()
    check("trashbin list", any(t.name.startswith("hello-copy.txt") or "hello-copy" in t.name for t in trash), str([t.name for t in trash]))
    item = next(t for t in trash if "hello-copy" in t.name)
    nc.files.trashbin_restore(item)
    names = [f.name for f in nc.files.listdir("pyapi")]
    check("trashbin restore", "hello-copy.txt" in names, str(names))

    if os.environ.get("NC_ADMIN_USER"):
        provisioning(os.environ["NC_ADMIN_USER"])

    print("ALL CHECKS PASSED", flush=True)


def provisioning(admin_user):
    """The OCS provisioning API as an administrator drives it through nc-py-api."""
    adm = Nextcloud(
        nextcloud_url=os.environ["NEXTCLOUD_URL"],
        nc_auth_user=admin_user,
        nc_auth_pass=os.environ["NC_PASS"],
    )
    adm.users_groups.create("pygroup", display_name="Py Group")
    check("users_groups.get_list", "pygroup" in adm.users_groups.get_list(), str(adm.users_groups.get_list()))
    adm.users.create("pyuser", display_name="Py User", password=os.environ["NC_PASS"], groups=["pygroup"])
    check("users.get_list", "pyuser" in adm.users.get_list(), str(adm.users.get_list()))
    check("users.get_list(mask)", adm.users.get_list("pyus") == ["pyuser"], str(adm.users.get_list("pyus")))
    info = adm.users.get_user("pyuser")
    check("users.get_user", info.display_name == "Py User" and info.groups == ["pygroup"], str(info))
    adm.users.edit("pyuser", email="py@example.com", phone="+1 555")
    info = adm.users.get_user("pyuser")
    check("users.edit", info.email == "py@example.com" and info.phone == "+1 555", str(info))
    adm.users.disable("pyuser")
    check("users.disable", adm.users.get_user("pyuser").enabled is False)
    adm.users.enable("pyuser")
    adm.users.promote_to_subadmin("pyuser", "pygroup")
    check("get_subadmins", adm.users_groups.get_subadmins("pygroup") == ["pyuser"])
    adm.users.demote_from_subadmin("pyuser", "pygroup")
    check("get_members", adm.users_groups.get_members("pygroup") == ["pyuser"])
    details = adm.users_groups.get_details("pygroup")
    check("get_details", details[0].display_name == "Py Group" and details[0].user_count == 1, str(details))
    adm.users.remove_from_group("pyuser", "pygroup")
    check("remove_from_group", adm.users_groups.get_members("pygroup") == [])
    adm.users.add_to_group("pyuser", "pygroup")
    adm.users.delete("pyuser")
    adm.users_groups.delete("pygroup")
    check("delete user and group", "pyuser" not in adm.users.get_list() and "pygroup" not in adm.users_groups.get_list())
    # Ferry's faces as apps.
    check("apps.get_list", "webdav" in adm.apps.get_list() and adm.apps.get_list(enabled=False) == [], str(adm.apps.get_list()))
    adm.apps.disable("fullio")
    check("apps.disable", adm.apps.is_disabled("fullio") and not adm.apps.is_enabled("fullio"))
    adm.apps.enable("fullio")
    check("apps.enable", adm.apps.is_enabled("fullio") and adm.apps.is_installed("fileago"))


if __name__ == "__main__":
    main()

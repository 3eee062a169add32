# The guest's verdict becomes the exit status: SYSTEM_OFF after a passing
# run -> 0, a failure reported through the test device -> 1, an unexpected
# exception in the guest -> 1 (the guest's vector reports it).
. tests/nested/lib.sh
vmm_expect 0 /tmp/null.log boot guest.img -p null
vmm_expect 1 /tmp/fail.log boot guest.img -p fail
expect_line 'the guest reported failure' /tmp/fail.log
vmm_expect 1 /tmp/crash.log boot guest.img -p crash
expect_line 'ESR' /tmp/crash.log
vmm_expect 1 /tmp/unknown.log boot guest.img -p no-such-mode

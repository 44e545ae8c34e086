// Ways into and out of listening mode, safe mode, and what the console does outside it.
#include <gtest/gtest.h>

#include "fake_board.hpp"

namespace {

bool logged(const fake::Log& log, const std::string& entry) {
    for (const auto& e : log.events)
        if (e == entry) return true;
    return false;
}

// An Electron with a SIM, booted and put into listening mode by the host.
void listening_electron(core::Device& d) {
    d.boot(hal::BootMode::normal);
    d.start_listening(core::ListenReason::host_request);
}

// The `w` dialogue for the visible WPA2 network "HomeNet"; it ends listening mode.
void save_home_net(fake::Board& b, core::Device& d) {
    b.console.send("w");
    d.step();
    b.console.send("HomeNet\n");
    d.step();
    b.console.send("longpassword\n");
    d.step();
}

fake::Board electron_with_sim() {
    fake::Board b("electron");
    std::snprintf(b.identity.iccid, sizeof b.identity.iccid, "89340765000025876571");
    return b;
}

}  // namespace

TEST(ListeningMode, PhotonWithoutCredentialsListensFromBoot) {
    fake::Board b("photon");
    core::Device d(b.hal());
    d.boot(hal::BootMode::normal);
    EXPECT_TRUE(d.listening());
    b.console.send("c");
    d.step();
    EXPECT_EQ(b.console.take(), "Device claimed: no\r\n");
}

TEST(ListeningMode, ElectronWithSimDoesNotListenUntilAsked) {
    fake::Board b = electron_with_sim();
    core::Device d(b.hal());
    d.boot(hal::BootMode::normal);
    EXPECT_FALSE(d.listening());
    b.console.send("i");
    d.step();
    EXPECT_EQ(b.console.take(), "");  // outside listening mode the bytes are not the console's
    d.start_listening(core::ListenReason::host_request);
    b.console.send("c");
    d.step();
    EXPECT_EQ(b.console.take(), "Device claimed: no\r\n");
}

TEST(ListeningMode, ExitWithoutCredentialsComesStraightBack) {
    fake::Board b("p1");
    core::Device d(b.hal());
    d.boot(hal::BootMode::normal);
    b.console.send("x");
    d.step();
    EXPECT_FALSE(d.listening());
    d.step();  // the system wants the network and has no credentials
    EXPECT_TRUE(d.listening());
}

TEST(ListeningMode, SavedCredentialsEndItAndLaterBytesAreNotCommands) {
    fake::Board b("photon");
    b.radio.add("HomeNet", core::wiced::kWpa2 | core::wiced::kAes);
    core::Device d(b.hal());
    d.boot(hal::BootMode::normal);
    save_home_net(b, d);
    EXPECT_FALSE(d.listening());
    b.console.take();
    b.console.send("c");
    d.step();
    EXPECT_EQ(b.console.take(), "");
    EXPECT_TRUE(logged(b.log, "network: joining"));
    EXPECT_EQ(b.radio.joins, std::vector<std::string>{"HomeNet"});
    d.step();
    EXPECT_EQ(d.join_outcome().state, core::JoinState::connected);
    EXPECT_EQ(d.join_outcome().attempt, 1u);
}

// Device OS: a join that fails after credentials changed in this listening session brings
// listening mode back; the outcome stays latched for `j`.
TEST(ListeningMode, FailedJoinAfterNewCredentialsListensAgain) {
    fake::Board b("photon");
    b.radio.add("HomeNet", core::wiced::kWpa2 | core::wiced::kAes);
    b.radio.join_result = hal::JoinProgress::wrong_password;
    core::Device d(b.hal());
    d.boot(hal::BootMode::normal);
    save_home_net(b, d);
    d.step();
    EXPECT_TRUE(d.listening());
    EXPECT_TRUE(logged(b.log, "listening: entered: join failed after new credentials"));
    b.console.take();
    b.console.send("j");
    d.step();
    EXPECT_EQ(b.console.take(),
              "{\"attempt\":1,\"state\":\"failed\",\"ssid\":\"HomeNet\","
              "\"reason\":\"wrong-password\"}\r\n");
}

// Unchanged credentials that fail are retried, as Device OS keeps trying to connect.
TEST(ListeningMode, FailedJoinOfOldCredentialsIsRetried) {
    fake::Board b("photon");
    b.radio.add("HomeNet", core::wiced::kWpa2 | core::wiced::kAes);
    core::Device d(b.hal());
    d.boot(hal::BootMode::normal);
    save_home_net(b, d);
    d.step();
    b.radio.join_result = hal::JoinProgress::network_not_found;
    d.boot(hal::BootMode::normal);  // a restart joins the stored profile at once
    d.step();
    EXPECT_FALSE(d.listening());
    EXPECT_EQ(d.join_outcome().reason, core::JoinFailure::network_not_found);
    b.clock.now += core::Device::kRejoinDelayMs;
    d.step();
    EXPECT_EQ(b.radio.joins.size(), 3u);
    EXPECT_FALSE(d.listening());
}

TEST(ListeningMode, ElectronTimesOutAfterFiveMinutes) {
    fake::Board b = electron_with_sim();
    core::Device d(b.hal());
    listening_electron(d);
    b.clock.now += 299999;
    d.step();
    EXPECT_TRUE(d.listening());
    b.clock.now += 1;
    d.step();
    EXPECT_FALSE(d.listening());
    EXPECT_TRUE(logged(b.log, "listening: timed out"));
}

TEST(ListeningMode, PhotonNeverTimesOut) {
    fake::Board b("photon");
    core::Device d(b.hal());
    d.boot(hal::BootMode::normal);
    b.clock.now += 3600u * 1000u;
    d.step();
    EXPECT_TRUE(d.listening());
}

TEST(ListeningMode, CapitalLResetsIntoSafeModeListening) {
    fake::Board b = electron_with_sim();
    core::Device d(b.hal());
    listening_electron(d);
    b.console.send("Lc");
    d.step();
    ASSERT_TRUE(b.control.reset_requested);
    EXPECT_EQ(b.control.next, hal::BootMode::safe);
    EXPECT_EQ(b.console.take(), "");  // nothing after L runs before the reset
    d.boot(b.control.next);
    EXPECT_TRUE(d.safe_mode());
    EXPECT_TRUE(d.listening());
    EXPECT_EQ(b.control.backup, 0u);  // the flag is consumed
    d.boot(hal::BootMode::normal);
    EXPECT_FALSE(d.listening());
}

TEST(ListeningMode, UnfinishedDialogueIsAbandonedOnExit) {
    fake::Board b = electron_with_sim();
    core::Device d(b.hal());
    listening_electron(d);
    b.console.send("C");
    d.step();
    b.console.take();
    d.exit_listening();
    d.start_listening(core::ListenReason::host_request);
    b.console.send("c");
    d.step();
    EXPECT_EQ(b.console.take(), "Device claimed: no\r\n");  // a command again, not code input
}

TEST(ProductStore, NormalBootPersistsTheImagesProductIdentity) {
    fake::Board b("photon");
    b.image.product_id = 1234;
    b.image.product_version = 3;
    core::Device d(b.hal());
    d.boot(hal::BootMode::normal);
    EXPECT_EQ(d.config().stored_product_id(), 1234);
    EXPECT_EQ(d.config().stored_product_version(), 3);
}

TEST(Identify, ElectronWithoutModemAnswerPrintsNoEmptyModemLines) {
    fake::Board b("electron");  // no IMEI/ICCID: the modem has not answered (no SIM either)
    core::Device d(b.hal());
    d.boot(hal::BootMode::normal);
    ASSERT_TRUE(d.listening());  // no SIM ready: no credentials
    b.console.send("i");
    d.step();
    EXPECT_EQ(b.console.take(), "Your device id is 000000000000000000000000\r\n");
    b.console.send("s");
    d.step();
    EXPECT_EQ(b.console.take().rfind("{\"p\":10,\"product_id\":\"10\",", 0), 0u);
}

"""The guard on developer talk: programs' names, bots, logins to machines, packages and a site's own pages
look like handles or addresses but reach no one. None is refused; most are not even held."""
import pytest

from forum.guard import find_contact_info

# Left alone: nothing found.
CLEAN = [
    "LINEのアカウント連携で line-login-sample を動かしています",
    "DiscordのID連携は discord-oauth2 で実装しました",
    "Telegramの @BotFather でボットを作りました",
    "Teams で @mention の通知が来ない",
    "LINE Bot のユーザー名は line_bot_test にしました",
    "Discord bot の ID: my_discord_bot",
    "Slack APIの chat.postMessage で username: notify_bot を指定",
    "Zoom SDK のアカウントで zoom-sdk-demo を試す",
    "postgres://admin:secret@db.example.com:5432/app に接続できない",
    "ssh ec2-user@ec2-1-2-3-4.compute.amazonaws.com で入れない",
    "scp file.txt deploy@web01.example.jp:/var/www/ でアップロード",
    "git clone https://user@bitbucket.org/team/repo.git が失敗します",
    "GitHubから noreply@github.com のメールが届かない",
    "uses: actions/setup-node@v4.0.2 で失敗",
    "npm install @slack/bolt@3.17.0 でインストールできません。",
    "Slack の Webhook は https://hooks.slack.com/services/T000/B000/XXX です",
    "https://twitter.com/intent/tweet?text=hello で共有ボタンを作る",
    "https://www.facebook.com/sharer/sharer.php?u= を使う",
    "Slackのアカウントで slack_bolt_app を作った",
    "Slack の app_mention イベントが届かない",
    "Discordで discord_webhook_url を環境変数に置く",
    "Telegram Bot APIの sendMessage で parse_mode を MarkdownV2 にする",
    "Discordの on_message で message.author.bot を判定しないと無限ループします。",
    "SendGrid の from に no-reply@example.co.jp を設定",
    'git commit --author="Taro <taro@users.noreply.github.com>"',
]

# Held at most: an ID a program gave, or a handle in talk about building software.
HELD_AT_MOST = [
    "LINEのユーザーIDは U1234567890abcdef1234 です",
    "SlackのユーザーIDは U01ABCDEF",
    "LINE Messaging API の Channel ID: 1657xxxxxx",
]

# Still refused: the same shapes when they are someone's.
REFUSED = [
    "LINE ID: taro_88 です",
    "Telegram @taro_tg まで",
    "https://twitter.com/taro_88 をフォローしてください",
    "https://myteam.slack.com に招待します",
    "連絡は taro.yamada@gmail.com まで",
    "ディスコ「ぽてと」#0033 で待ってます",
]


@pytest.mark.parametrize("text", CLEAN)
def test_developer_talk_is_left_alone(text):
    assert find_contact_info(text) == []


@pytest.mark.parametrize("text", HELD_AT_MOST)
def test_ids_in_developer_talk_are_held_at_most(text):
    assert not any(f.certain for f in find_contact_info(text))


@pytest.mark.parametrize("text", REFUSED)
def test_contact_details_are_still_refused(text):
    assert any(f.certain for f in find_contact_info(text))

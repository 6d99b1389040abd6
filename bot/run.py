"""`skm run`: one process for every configured chat app, its schedules and its HTTP server.

Telegram polls unless a webhook address is set; WhatsApp, and Telegram's webhook, are served
by one HTTP server beside /health. Reports are scheduled on PTB's JobQueue scheduler when
Telegram runs, otherwise on a scheduler of the same kind (APScheduler 3).
"""

import asyncio
import logging
import signal
from collections.abc import Generator
from contextlib import AsyncExitStack, contextmanager, suppress
from typing import Any

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.health import ChannelState, Health
from bot.polling import Fault, PollingStopped, PollPolicy, poll, until_done
from bot.runtime import WHATSAPP, Runtime, open_runtime
from bot.scheduling import Flush, schedule_jobs
from bot.server import build_web_app, server_config
from bot.settings import Settings
from bot.telegram_app import ALLOWED_UPDATES, CHANNEL, TelegramChannel, build_application
from bot.whatsapp.channel import WhatsAppChannel
from bot.whatsapp.graph import GraphClient
from skm_core.content import Content
from skm_core.content.deployment import Deployment

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: `serve` decides when to stop, so that the
    channels drain before the process ends (uvicorn re-raises the signal once it exits)."""

    @contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def _on_stop_signal(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


async def _start_telegram(
    runtime: Runtime, stack: AsyncExitStack, health: Health, policy: PollPolicy
) -> tuple[Any, TelegramChannel, asyncio.Task[None] | None]:
    settings = runtime.settings
    webhook = bool(settings.telegram_webhook_url)
    application, channel = build_application(
        settings, runtime.content, runtime.engine, runtime.pseudonyms
    )
    health.set(CHANNEL, ChannelState.STARTING)
    # Telegram unreachable at start-up is a passing fault like any other: wait for it.
    fault = Fault(policy, health)
    await until_done(application.initialize, fault, "starting")
    stack.push_async_callback(application.shutdown)
    await until_done(lambda: channel.open(application), fault, "setting the command menus")
    await application.start()
    stack.push_async_callback(application.stop)
    if webhook:
        secret = settings.telegram_webhook_secret
        await until_done(
            lambda: application.bot.set_webhook(
                settings.telegram_webhook_url,
                secret_token=secret.get_secret_value() if secret else None,
                allowed_updates=ALLOWED_UPDATES,
            ),
            fault,
            "setting the webhook",
        )
        return application, channel, None
    await until_done(application.bot.delete_webhook, fault, "removing a webhook")
    polling = asyncio.create_task(poll(application, health, policy))
    stack.push_async_callback(_cancel, polling)
    return application, channel, polling


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with suppress(asyncio.CancelledError, PollingStopped):
        await task


def _start_whatsapp(runtime: Runtime, stack: AsyncExitStack, health: Health) -> WhatsAppChannel:
    settings = runtime.settings
    assert settings.whatsapp_access_token is not None  # checked by whatsapp_configured
    graph = GraphClient(
        settings.whatsapp_api_base_url,
        settings.whatsapp_phone_number_id or "",
        settings.whatsapp_access_token.get_secret_value(),
        settings.whatsapp_send_rate,
    )
    stack.push_async_callback(graph.close)
    channel = WhatsAppChannel(settings, runtime.content, runtime.engine, runtime.pseudonyms, graph)
    channel.start()
    stack.push_async_callback(channel.drain)
    health.set(WHATSAPP, ChannelState.OK)
    return channel


async def serve(
    settings: Settings,
    content: Content,
    policy: PollPolicy | None = None,
    deployment: Deployment | None = None,
) -> int:
    """Run until a stop signal (exit 0) or a channel fault that no retry mends (exit 1).

    `content` is the first unit's; `deployment` the units served (by default that one)."""
    stop = asyncio.Event()
    _on_stop_signal(stop)
    health = Health()
    policy = policy or PollPolicy()
    runtime = await open_runtime(settings, content, deployment)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(runtime.close)
        flushes: list[Flush] = []
        application = None
        polling = None
        if settings.telegram_bot_token is not None:
            starting = asyncio.ensure_future(_start_telegram(runtime, stack, health, policy))
            stopped = asyncio.ensure_future(stop.wait())
            # A stop while Telegram is still unreachable at start-up ends the waiting.
            await asyncio.wait({starting, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            if not starting.done():
                starting.cancel()
                with suppress(asyncio.CancelledError):
                    await starting
                return 0
            try:
                application, telegram, polling = starting.result()
            except PollingStopped as exc:
                log.critical("Telegram stopped: %s", exc)
                return 1
            flushes.append(telegram.flush)
        whatsapp = None
        if settings.whatsapp_configured:
            whatsapp = _start_whatsapp(runtime, stack, health)
            flushes.append(whatsapp.flush)
        if application is not None and application.job_queue is not None:
            scheduler = application.job_queue.scheduler
        else:
            scheduler = AsyncIOScheduler(timezone=runtime.engine.timezone)
            scheduler.start()
            stack.callback(scheduler.shutdown, wait=False)
        schedule_jobs(
            scheduler,
            runtime.engine,
            flushes,
            runtime.engine.timezone,
            settings.skm_outbox_interval_seconds,
        )
        queued = await runtime.engine.catch_up_reports()
        log.info("catch-up queued %d scheduled report(s)", queued)
        server = None
        webhook_telegram = application if settings.telegram_webhook_url else None
        site = runtime.engine if settings.public_url else None
        if whatsapp is not None or webhook_telegram is not None or site is not None:
            web = build_web_app(settings, whatsapp, webhook_telegram, health, site)
            server = _Server(server_config(web, settings))
        return await _until_stopped(stop, polling, server)


async def _until_stopped(
    stop: asyncio.Event, polling: asyncio.Task[None] | None, server: uvicorn.Server | None
) -> int:
    waits: set[asyncio.Future[Any]] = {asyncio.ensure_future(stop.wait())}
    serving = asyncio.ensure_future(server.serve()) if server is not None else None
    waits |= {t for t in (polling, serving) if t is not None}
    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    code = 0
    if polling is not None and polling.done():
        error = polling.exception()
        log.critical("Telegram polling stopped: %s", error)
        code = 1
    elif serving is not None and serving.done():
        log.critical("the HTTP server stopped")
        code = 1
    if server is not None and serving is not None:
        # Stop taking requests; what was accepted is finished by the channels' drains.
        server.should_exit = True
        await serving
    return code


def run(settings: Settings, content: Content, deployment: Deployment | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request at INFO, with the bot token in the address.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return asyncio.run(serve(settings, content, deployment=deployment))
